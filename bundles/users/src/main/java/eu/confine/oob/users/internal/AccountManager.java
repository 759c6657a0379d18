package eu.confine.oob.users.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

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

import eu.confine.oob.api.AdminKeyPolicy;
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
 * Owns each sliver's host account: checks a deployment before anything is touched, records it, creates
 * user, group and home; on removal marks the record, waits for the mounts to go, then deletes the account.
 */
@Component(service = {EventHandler.class, SliverAspect.class}, configurationPid = "eu.confine.oob.users")
@EventTopics({SliverEvents.DEPLOYED, SliverEvents.REMOVED, SliverEvents.UNMOUNTED})
@Designate(ocd = AccountManager.Config.class)
public class AccountManager implements EventHandler, SliverAspect {

    private static final Logger LOG = LoggerFactory.getLogger(AccountManager.class);

    @ObjectClassDefinition(name = "confine-oob users", description = "Host users, groups and homes of the slivers.")
    public @interface Config {
        @AttributeDefinition(name = "Home base", description = "Directory holding the sliver users' homes.")
        String homeBase() default "/home";

        @AttributeDefinition(name = "Sliver group", description = "Group every sliver user belongs to; created if missing.")
        String sliverGroup() default "sliver";

        @AttributeDefinition(name = "Shell", description = "Login shell of the sliver users.")
        String shell() default "/bin/sh";
    }

    private final SliverRecords records;
    private final Containers containers;
    private final AdminKeyPolicy keyPolicy;
    private final EventAdmin eventAdmin;
    private final SliverAccounts accounts;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "confine-oob-users"));

    @Activate
    public AccountManager(@Reference SliverRecords records, @Reference Containers containers, @Reference AdminKeyPolicy keyPolicy,
                          @Reference EventAdmin eventAdmin, Config config) {
        Path homeBase = Path.of(config.homeBase());
        if (!homeBase.isAbsolute() || !config.shell().startsWith("/")) {
            throw new IllegalArgumentException("homeBase and shell must be absolute paths: " + homeBase + ", " + config.shell());
        }
        if (!config.sliverGroup().matches("[a-z_][a-z0-9_-]{0,31}")) {
            throw new IllegalArgumentException("sliverGroup is not a valid group name: " + config.sliverGroup());
        }
        this.records = records;
        this.containers = containers;
        this.keyPolicy = keyPolicy;
        this.eventAdmin = eventAdmin;
        this.accounts = new SliverAccounts(new HostAccounts(), homeBase, config.sliverGroup(), config.shell());
        worker.execute(this::reconcile);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        worker.shutdown();
        worker.awaitTermination(30, TimeUnit.SECONDS);
    }

    @Override
    public void handleEvent(Event event) {
        worker.execute(() -> {
            try {
                switch (event.getTopic()) {
                    case SliverEvents.DEPLOYED -> deploy(SliverRequest.deployed(event));
                    case SliverEvents.REMOVED -> remove(SliverRequest.sliceOnly(event));
                    default -> deleteAccount(SliverRequest.sliceOnly(event));
                }
            } catch (InvalidSliverRequestException e) {
                LOG.warn("{} refused: {}", event.getTopic(), e.getMessage());
                eventAdmin.postEvent(SliverRequest.failure(event, e.getMessage()));
            } catch (Exception e) {
                String reason = "slice " + event.getProperty(SliverEvents.SLICE_ID) + ": " + e.getMessage();
                LOG.error("{} failed: {}", event.getTopic(), reason, e);
                eventAdmin.postEvent(SliverRequest.failure(event, reason));
            }
        });
    }

    @Override
    public String name() {
        return "user";
    }

    @Override
    public State inspect(SliceId sliceId) {
        return accounts.inspect(sliceId);
    }

    private void deploy(SliverRequest request) throws Exception {
        SliceId sliceId = request.sliceId();
        Optional<SliverRecord> existing = records.find(sliceId);
        if (existing.isPresent() && existing.get().phase() == Phase.REMOVING) {
            throw new InvalidSliverRequestException(sliceId.value(), "is being removed; deploy it again once it is cleaned");
        }
        if (!containers.exists(request.container())) {
            throw new InvalidSliverRequestException(sliceId.value(), "container " + request.container() + " does not exist");
        }
        AdminKeyPolicy.KeyCheck keys = keyPolicy.check(sliceId, request.adminKeys());
        if (keys.accepted().isEmpty()) {
            throw new InvalidSliverRequestException(sliceId.value(), "no valid admin key: " + String.join("; ", keys.rejected()));
        }
        accounts.requireOursOrFree(sliceId, existing.isPresent());
        records.save(new SliverRecord(sliceId, request.container(), request.tmp(), request.adminKeys(), Phase.DEPLOYING));
        accounts.ensure(sliceId);
        LOG.info("Slice {}: account ready", sliceId);
        eventAdmin.postEvent(request.answer(SliverEvents.ACCOUNT_READY, SliverEvents.DEPLOYED, Map.of()));
    }

    private void remove(SliverRequest request) {
        SliceId sliceId = request.sliceId();
        SliverRecord record = records.find(sliceId).orElse(null);
        if (record == null) {
            if (!accounts.isSliverUser(sliceId)) {
                throw new InvalidSliverRequestException(sliceId.value(), "no such sliver");
            }
            record = new SliverRecord(sliceId, sliceId.value(), Optional.empty(), List.of(), Phase.REMOVING);
        }
        records.save(record.withPhase(Phase.REMOVING));
        eventAdmin.postEvent(request.answer(SliverEvents.REMOVING, SliverEvents.REMOVED, Map.of()));
    }

    private void deleteAccount(SliverRequest request) throws Exception {
        SliceId sliceId = request.sliceId();
        Optional<SliverRecord> record = records.find(sliceId);
        if (record.isEmpty() || record.get().phase() != Phase.REMOVING) {
            return;
        }
        accounts.delete(sliceId);
        records.delete(sliceId);
        LOG.info("Slice {}: user, group and home deleted", sliceId);
        eventAdmin.postEvent(request.answer(SliverEvents.SLIVER_CLEANED, SliverEvents.REMOVED, Map.of()));
    }

    /** Repairs every recorded account and sends it down the chain again; carries on removals cut short. */
    private void reconcile() {
        for (SliverRecord record : records.all()) {
            SliverRequest request = new SliverRequest(record.sliceId(), record.adminKeys(), record.container(), record.tmp(), null);
            try {
                if (record.phase() == Phase.REMOVING) {
                    eventAdmin.postEvent(request.answer(SliverEvents.REMOVING, "reconcile", Map.of()));
                } else {
                    accounts.ensure(record.sliceId());
                    eventAdmin.postEvent(request.answer(SliverEvents.ACCOUNT_READY, "reconcile", Map.of()));
                }
            } catch (Exception e) {
                String reason = "slice " + record.sliceId() + ": cannot repair account: " + e.getMessage();
                LOG.error("{}", reason, e);
                eventAdmin.postEvent(request.answer(SliverEvents.SLIVER_FAILED, "reconcile", Map.of(SliverEvents.REASON, reason)));
            }
        }
    }
}
