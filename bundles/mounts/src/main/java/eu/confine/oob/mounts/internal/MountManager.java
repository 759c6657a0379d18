package eu.confine.oob.mounts.internal;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventHandler;
import org.osgi.service.event.propertytypes.EventTopics;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import eu.confine.oob.api.Containers;
import eu.confine.oob.api.InvalidSliverRequestException;
import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverAspect;
import eu.confine.oob.api.SliverEvents;
import eu.confine.oob.api.SliverRecord;
import eu.confine.oob.api.SliverRecord.Phase;
import eu.confine.oob.api.SliverRecords;
import eu.confine.oob.api.SliverRequest;

/**
 * Keeps every deployed sliver's tmp mounted on {@code ~SLICE/tmp}: after its keys are written, at
 * activation (node boot, Karaf restart), and takes the mounts away on removal and node halt — never on
 * a plain bundle stop or update, so a hot-swap keeps every mount.
 */
@Component(service = {EventHandler.class, SliverAspect.class}, configurationPid = "eu.confine.oob.mounts")
@EventTopics({SliverEvents.KEYS_WRITTEN, SliverEvents.REMOVING, SliverEvents.NODE_HALTING})
@Designate(ocd = MountManager.Config.class)
public class MountManager implements EventHandler, SliverAspect {

    private static final Logger LOG = LoggerFactory.getLogger(MountManager.class);

    @ObjectClassDefinition(name = "confine-oob mounts", description = "Bind mounts of each sliver's /tmp on ~SLICE_ID/tmp.")
    public @interface Config {
        @AttributeDefinition(name = "Home base", description = "Directory holding the sliver users' homes.")
        String homeBase() default "/home";
    }

    private final SliverRecords records;
    private final EventAdmin eventAdmin;
    private final BundleContext context;
    private final SliverTmpMounts mounts;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "confine-oob-mounts"));

    @Activate
    public MountManager(@Reference SliverRecords records, @Reference Containers containers, @Reference EventAdmin eventAdmin,
                        BundleContext context, Config config) {
        Path homeBase = Path.of(config.homeBase());
        if (!homeBase.isAbsolute()) {
            throw new IllegalArgumentException("homeBase must be an absolute path: " + homeBase);
        }
        this.records = records;
        this.eventAdmin = eventAdmin;
        this.context = context;
        this.mounts = new SliverTmpMounts(new LinuxMounts(), containers, homeBase);
        worker.execute(this::reconcile);
    }

    @Deactivate
    void deactivate() {
        worker.shutdown();
        try {
            worker.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (context.getBundle(0).getState() == Bundle.STOPPING) {
            LOG.info("Framework is shutting down: unmounting every sliver's tmp");
            unmountAll();
        }
    }

    @Override
    public void handleEvent(Event event) {
        if (SliverEvents.NODE_HALTING.equals(event.getTopic())) {
            worker.execute(this::unmountAll);
            return;
        }
        try {
            SliverRequest request = SliverRequest.sliceOnly(event);
            Object cause = event.getProperty(SliverEvents.CAUSE);
            String why = cause == null ? event.getTopic() : cause.toString();
            if (SliverEvents.KEYS_WRITTEN.equals(event.getTopic())) {
                worker.execute(() -> mount(request, why));
            } else {
                worker.execute(() -> unmount(request, why));
            }
        } catch (InvalidSliverRequestException e) {
            LOG.error("Ignoring {}: {}", event.getTopic(), e.getMessage());
        }
    }

    @Override
    public String name() {
        return "mount";
    }

    @Override
    public State inspect(SliceId sliceId) {
        return mounts.inspect(sliceId);
    }

    private void mount(SliverRequest request, String cause) {
        SliceId sliceId = request.sliceId();
        try {
            SliverRecord record = records.find(sliceId).orElse(null);
            if (record == null || record.phase() == Phase.REMOVING) {
                LOG.debug("Slice {}: not deployed any more, not mounting", sliceId);
                return;
            }
            mounts.ensure(record);
            if (record.phase() != Phase.READY) {
                records.save(record.withPhase(Phase.READY));
            }
            eventAdmin.postEvent(request.answer(SliverEvents.SLIVER_READY, cause, Map.of()));
        } catch (Exception e) {
            fail(request, cause, e);
        }
    }

    private void unmount(SliverRequest request, String cause) {
        try {
            mounts.unmount(request.sliceId());
            eventAdmin.postEvent(request.answer(SliverEvents.UNMOUNTED, cause, Map.of()));
        } catch (Exception e) {
            fail(request, cause, e);
        }
    }

    private void fail(SliverRequest request, String cause, Exception e) {
        String reason = e.getMessage() != null && e.getMessage().startsWith("slice ")
                ? e.getMessage() : "slice " + request.sliceId() + ": " + e;
        LOG.error("{}", reason, e);
        eventAdmin.postEvent(request.answer(SliverEvents.SLIVER_FAILED, cause, Map.of(SliverEvents.REASON, reason)));
    }

    /**
     * Heals the mounts from the records: a deployed sliver gets its mount back, a sliver whose keys were
     * written while this bundle was away becomes READY, a removal cut short is carried on.
     */
    private void reconcile() {
        for (SliverRecord record : records.all()) {
            SliverRequest request = new SliverRequest(record.sliceId(), record.adminKeys(), record.container(), record.tmp(), null);
            if (record.phase() == Phase.REMOVING) {
                unmount(request, "reconcile");
            } else if (record.phase() == Phase.READY || keysWritten(record.sliceId())) {
                mount(request, "reconcile");
            }
        }
    }

    private boolean keysWritten(SliceId sliceId) {
        Path keys = mounts.home(sliceId).resolve(".ssh/authorized_keys");
        try {
            return Files.isRegularFile(keys, LinkOption.NOFOLLOW_LINKS) && Files.size(keys) > 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private void unmountAll() {
        for (SliverRecord record : records.all()) {
            try {
                mounts.unmount(record.sliceId());
            } catch (Exception e) {
                LOG.error("Slice {}: cannot unmount at halt: {}", record.sliceId(), e.getMessage(), e);
            }
        }
    }
}
