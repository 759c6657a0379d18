package eu.confine.oob.keys.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventHandler;
import org.osgi.service.event.propertytypes.EventTopics;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import eu.confine.oob.api.AdminKeyPolicy.KeyCheck;
import eu.confine.oob.api.InvalidSliverRequestException;
import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverEvents;
import eu.confine.oob.api.SliverRecord;
import eu.confine.oob.api.SliverRecords;
import eu.confine.oob.api.SliverRequest;

/**
 * Writes a sliver's {@code authorized_keys} when its account is ready and when its admin keys change, and
 * makes every deployed sliver's file match its record on activation. Work runs in order on one thread.
 */
// Immediate: the reconciliation must run at activation, not when the first event arrives.
@Component(service = EventHandler.class, configurationPid = "eu.confine.oob.keys", immediate = true)
@EventTopics({SliverEvents.ACCOUNT_READY, SliverEvents.KEYS_CHANGED})
@Designate(ocd = KeysConfig.class)
public class KeysHandler implements EventHandler {

    private static final Logger LOG = LoggerFactory.getLogger(KeysHandler.class);

    private final SliverRecords records;
    private final EventAdmin events;
    private final AuthorizedKeysFile file;
    private final KeyRules rules = new KeyRules();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(task -> new Thread(task, "confine-oob-keys"));

    @Activate
    public KeysHandler(@Reference(name = "records") SliverRecords records, @Reference(name = "events") EventAdmin events,
            KeysConfig config) {
        this(records, events, new AuthorizedKeysFile(Path.of(config.homeBase())));
    }

    KeysHandler(SliverRecords records, EventAdmin events, AuthorizedKeysFile file) {
        this.records = records;
        this.events = events;
        this.file = file;
        executor.execute(this::reconcile);
    }

    @Deactivate
    void deactivate() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Keys work still running at deactivation; the next activation reconciles it");
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void handleEvent(Event event) {
        try {
            executor.execute(() -> process(event));
        } catch (RejectedExecutionException e) {
            LOG.warn("Keys bundle stopping: {} for slice {} not handled; the next activation reconciles it",
                    event.getTopic(), event.getProperty(SliverEvents.SLICE_ID));
        }
    }

    private void process(Event event) {
        boolean keysChanged = SliverEvents.KEYS_CHANGED.equals(event.getTopic());
        SliverRequest request;
        try {
            request = keysChanged ? SliverRequest.keysChanged(event) : SliverRequest.sliceOnly(event);
        } catch (InvalidSliverRequestException e) {
            LOG.warn("{}", e.getMessage());
            events.postEvent(SliverRequest.failure(event, e.getMessage()));
            return;
        }
        Object cause = event.getProperty(SliverEvents.CAUSE);
        String answersTo = keysChanged || cause == null ? event.getTopic() : cause.toString();
        try {
            if (keysChanged) {
                changeKeys(request);
            } else {
                writeKeys(request.sliceId(), live(request.sliceId()).adminKeys());
            }
            events.postEvent(request.answer(SliverEvents.KEYS_WRITTEN, answersTo, Map.of()));
        } catch (InvalidSliverRequestException e) {
            LOG.warn("{}", e.getMessage());
            events.postEvent(request.answer(SliverEvents.SLIVER_FAILED, answersTo, Map.of(SliverEvents.REASON, e.getMessage())));
        } catch (IOException | RuntimeException e) {
            String reason = reason(request.sliceId(), e);
            LOG.error("{}", reason, e);
            events.postEvent(request.answer(SliverEvents.SLIVER_FAILED, answersTo, Map.of(SliverEvents.REASON, reason)));
        }
    }

    private void changeKeys(SliverRequest request) throws IOException {
        SliceId sliceId = request.sliceId();
        SliverRecord record = live(sliceId);
        KeyCheck check = rules.check(request.adminKeys());
        check.rejected().forEach(reason -> LOG.warn("slice {}: admin key rejected: {}", sliceId, reason));
        if (check.accepted().isEmpty()) {
            throw new InvalidSliverRequestException(sliceId.value(),
                    "no valid admin key, keys unchanged: " + String.join("; ", check.rejected()));
        }
        records.save(record.withAdminKeys(request.adminKeys()));
        file.write(sliceId, check.accepted());
        LOG.info("slice {}: authorized_keys rewritten with {} key(s)", sliceId, check.accepted().size());
    }

    private void writeKeys(SliceId sliceId, List<String> keyLines) throws IOException {
        KeyCheck check = rules.check(keyLines);
        if (check.accepted().isEmpty()) {
            throw new InvalidSliverRequestException(sliceId.value(),
                    "no valid admin key in the sliver record: " + String.join("; ", check.rejected()));
        }
        file.write(sliceId, check.accepted());
        LOG.info("slice {}: authorized_keys written with {} key(s)", sliceId, check.accepted().size());
    }

    private SliverRecord live(SliceId sliceId) {
        return records.find(sliceId).filter(record -> record.phase() != SliverRecord.Phase.REMOVING)
                .orElseThrow(() -> new InvalidSliverRequestException(sliceId.value(), "no such sliver"));
    }

    /** Makes each deployed sliver's file match its record; slivers without a {@code .ssh} yet are left to ACCOUNT_READY. */
    private void reconcile() {
        List<SliverRecord> all;
        try {
            all = records.all();
        } catch (RuntimeException e) {
            LOG.error("Cannot list sliver records to reconcile authorized_keys: {}", e.getMessage(), e);
            return;
        }
        for (SliverRecord record : all) {
            SliceId sliceId = record.sliceId();
            if (record.phase() == SliverRecord.Phase.REMOVING || !file.hasSshDir(sliceId)) {
                continue;
            }
            try {
                if (file.write(sliceId, rules.check(record.adminKeys()).accepted())) {
                    LOG.info("slice {}: authorized_keys repaired from the sliver record", sliceId);
                }
                if (record.phase() == SliverRecord.Phase.DEPLOYING) {
                    // Its ACCOUNT_READY may have come while this bundle was away: carry the deployment on.
                    SliverRequest request = new SliverRequest(sliceId, record.adminKeys(), record.container(), record.tmp(), null);
                    events.postEvent(request.answer(SliverEvents.KEYS_WRITTEN, "reconcile", Map.of()));
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("{}", reason(sliceId, e), e);
            }
        }
    }

    private static String reason(SliceId sliceId, Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String prefix = "slice " + sliceId + ":";
        return message.startsWith(prefix) ? message : prefix + " " + message;
    }
}
