package eu.confine.oob.sshd.internal;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import org.apache.sshd.server.SshServer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventHandler;
import org.osgi.service.event.propertytypes.EventTopics;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import eu.confine.oob.api.Containers;
import eu.confine.oob.api.InvalidSliverRequestException;
import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverEvents;
import eu.confine.oob.api.SliverRecords;
import eu.confine.oob.api.SshFrontEnd;
import eu.confine.oob.api.login.LoginPolicy;
import eu.confine.oob.sshd.files.SliverFiles;
import eu.confine.oob.sshd.files.SliverFilesConfig;

/**
 * The SSH front end: owns the MINA {@link SshServer} and the file service ({@link SliverFiles}) (started at activation with this bundle's class loader as the
 * thread context class loader, so that it never mixes with the older sshd of Karaf's own console; stopped at
 * deactivation, which drops its sessions), and ends live sessions whose key was removed (KEYS_WRITTEN) or whose
 * sliver is being removed (REMOVING).
 */
@Component(service = {SshFrontEnd.class, EventHandler.class}, configurationPid = "eu.confine.oob.sshd", immediate = true)
@EventTopics({SliverEvents.KEYS_WRITTEN, SliverEvents.REMOVING})
@Designate(ocd = SshdConfig.class)
public class SshFrontEndComponent implements SshFrontEnd, EventHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SshFrontEndComponent.class);

    /** Optional and dynamic: an update of the lxc bundle must not drop the sessions (file transfers need no LXC). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile Containers containers;

    /** Optional and dynamic for the same reason; without it the audit still logs. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile EventAdmin events;

    /**
     * Rules that may refuse every login to a slice for now (the registry follower's staleness policy), asked before
     * any key is looked at; dynamic, so that they come and go without dropping sessions.
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile List<LoginPolicy> loginPolicies = List.of();

    private final Settings settings;
    private final SliverFiles files;
    private final Audit audit;
    private final SliverAuthenticator authenticator;
    private final SessionRegistry registry;
    private final List<String> fingerprints;
    private final SshServer server;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(task -> new Thread(task, "confine-oob-sshd-events"));

    @Activate
    public SshFrontEndComponent(@Reference(name = "records") SliverRecords records, SshdConfig config)
            throws IOException, GeneralSecurityException {
        this(Settings.of(config), records, Clock.systemDefaultZone());
    }

    /**
     * Starts the server; the LXC adapter, Event Admin and the login policies arrive in {@link #containers},
     * {@link #events} and {@link #loginPolicies}.
     */
    SshFrontEndComponent(Settings settings, SliverRecords records, Clock clock) throws IOException, GeneralSecurityException {
        this.settings = settings;
        this.files = new SliverFiles(new SliverFilesConfig(settings.homeBase(), settings.maxOpenHandles()));
        this.audit = new Audit(() -> events, clock);
        this.authenticator = new SliverAuthenticator(records, new SliverKeys(settings.homeBase(), clock), audit,
                () -> loginPolicies);
        this.registry = new SessionRegistry(settings.maxPreAuthConnectionsPerSource(), settings.maxSessionsPerSlice(), audit);
        ChannelRouter router = new ChannelRouter(() -> containers, records, files, settings.execInSliver());
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // sshd looks up its parts through the context class loader: make it ours, wired to sshd 2.20.1.
        thread.setContextClassLoader(SshFrontEndComponent.class.getClassLoader());
        SshServer built = null;
        try {
            List<KeyPair> hostKeys = new HostKeys(settings.hostKeyDirectory()).loadOrGenerate();
            this.fingerprints = hostKeys.stream().map(HostKeys::fingerprint).toList();
            built = ServerSetup.build(settings, hostKeys, authenticator, registry, router, files, audit);
            built.start();
            this.server = built;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            executor.shutdownNow();
            files.close();
            if (built != null) {
                try {
                    built.stop(true);
                } catch (IOException stopFailure) {
                    e.addSuppressed(stopFailure);
                }
            }
            LOG.error("SSH front end not started on {}:{}: {}", settings.listenAddress(), settings.port(), e.getMessage());
            throw e;
        } finally {
            thread.setContextClassLoader(previous);
        }
        LOG.info("SSH front end listening on {}, host keys {}", listenAddress(), fingerprints);
    }

    @Deactivate
    void stop() {
        executor.shutdownNow();
        try {
            server.stop(true);
        } catch (IOException e) {
            LOG.warn("SSH front end did not stop cleanly: {}", e.getMessage());
        } finally {
            files.close();
        }
        LOG.info("SSH front end on {} stopped; its sessions are closed", listenAddress());
    }

    @Override
    public Status status() {
        return new Status(listenAddress(), fingerprints, registry.openCount(), audit.loggedInCount(), audit.refusedCount());
    }

    @Override
    public List<Session> sessions() {
        return registry.sessions();
    }

    @Override
    public boolean kick(long sessionId) {
        return registry.close(sessionId, "closed by the operator");
    }

    @Override
    public int kickSlice(SliceId sliceId) {
        return registry.closeSlice(sliceId, "closed by the operator");
    }

    @Override
    public void handleEvent(Event event) {
        SliceId sliceId;
        try {
            sliceId = SliceId.of(String.valueOf(event.getProperty(SliverEvents.SLICE_ID)));
        } catch (InvalidSliverRequestException e) {
            LOG.warn("{} ignored: {}", event.getTopic(), e.getMessage());
            return;
        }
        try {
            executor.execute(() -> {
                if (SliverEvents.REMOVING.equals(event.getTopic())) {
                    registry.closeSlice(sliceId, "the sliver is being removed");
                } else {
                    revalidate(sliceId);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("SSH front end stopping: {} for slice {} not handled (its sessions close anyway)", event.getTopic(), sliceId);
        }
    }

    /** Ends the slice's sessions whose key its authorized_keys no longer admits. */
    private void revalidate(SliceId sliceId) {
        int closed = registry.closeWhere(sliceId, login -> {
            SliverKeys.Verdict verdict = authenticator.admits(sliceId, login.grant().key(), login.address());
            return verdict.allowed() ? null : "key " + login.grant().fingerprint() + " is no longer admitted: " + verdict.refusal();
        }, "the key of this session is no longer admitted");
        if (closed > 0) {
            LOG.info("slice {}: {} session(s) closed after the keys changed", sliceId, closed);
        }
    }

    String listenAddress() {
        String host = settings.listenAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + server.getPort();
    }

}
