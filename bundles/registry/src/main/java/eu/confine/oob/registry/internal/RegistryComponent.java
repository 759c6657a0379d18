package eu.confine.oob.registry.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.event.propertytypes.EventTopics;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import eu.confine.oob.api.AdminKeyPolicy;
import eu.confine.oob.api.Containers;
import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverEvents;
import eu.confine.oob.api.SliverRecords;
import eu.confine.oob.api.TopicListeners;
import eu.confine.oob.api.login.LoginPolicy;
import eu.confine.oob.api.registry.RegistrySync;

/**
 * The registry follower as a service: idle without a base URI; otherwise it owns one scheduled thread
 * that follows the registry, offers the sync state ({@link RegistrySync}) and the staleness policy
 * ({@link LoginPolicy}), and takes the outcomes of its own requests (request ids {@code registry-*}).
 */
@Component(service = {RegistrySync.class, LoginPolicy.class, EventHandler.class}, configurationPid = "eu.confine.oob.registry",
        immediate = true, property = EventConstants.EVENT_FILTER + "=(" + SliverEvents.REQUEST_ID + "=" + PendingRequests.REQUEST_PREFIX + "*)")
@EventTopics(SliverEvents.OUTCOME_PREFIX + "sliver/*")
@Designate(ocd = RegistryConfig.class)
public class RegistryComponent implements RegistrySync, LoginPolicy, EventHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryComponent.class);

    private final Follower follower;
    private final ScheduledExecutorService executor;

    @Activate
    public RegistryComponent(@Reference SliverRecords records, @Reference Containers containers, @Reference AdminKeyPolicy keyPolicy,
                             @Reference EventAdmin eventAdmin, RegistryConfig config, BundleContext context) {
        Settings settings = Settings.of(config);
        if (!settings.enabled()) {
            LOG.info("Registry follower idle: no baseUri configured");
            this.follower = null;
            this.executor = null;
            return;
        }
        RegistryClient client = RegistryClient.of(settings);
        if ("http".equals(settings.base().getScheme())) {
            LOG.warn("Registry {} is read over plain HTTP: its answers are not authenticated", settings.base());
        }
        this.executor = Executors.newSingleThreadScheduledExecutor(task -> new Thread(task, "confine-oob-registry"));
        this.follower = new Follower(settings, client, records, containers::exists, keyPolicy, eventAdmin::postEvent,
                topic -> TopicListeners.anyFor(context, topic),
                Clock.systemUTC(), executor);
        LOG.info("Registry follower: node {} every {} s, snapshot {}, staleness limit {}", settings.nodeUri(),
                settings.pollInterval().toSeconds(), settings.snapshotFile(),
                settings.stalenessLimit().isZero() ? "none" : Durations.text(settings.stalenessLimit()));
        follower.start();
    }

    @Deactivate
    void deactivate() {
        if (executor == null) {
            return;
        }
        follower.stop();
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Registry sync still running at deactivation; it posts nothing more");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Status status() {
        if (follower == null) {
            return new Status(Instant.now(), false, "", Optional.empty(), Optional.empty(), "disabled: no baseUri configured",
                    0, Optional.empty(), 0, 0, 0, Optional.empty(), Duration.ZERO, false, List.of());
        }
        return follower.status();
    }

    @Override
    public Status syncNow(Duration timeout) throws InterruptedException, TimeoutException {
        if (follower == null) {
            throw new IllegalStateException("registry follower is disabled: set baseUri and nodeId in PID eu.confine.oob.registry");
        }
        return follower.syncNow(timeout);
    }

    @Override
    public Optional<String> refusal(SliceId sliceId) {
        return follower == null ? Optional.empty() : follower.refusal(sliceId);
    }

    @Override
    public void handleEvent(Event event) {
        if (follower != null) {
            follower.outcome(event);
        }
    }
}
