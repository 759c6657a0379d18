package eu.confine.oob.sshd.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SshFrontEnd;

/**
 * Every connection's life: counts unauthenticated connections per client address (closing the extra ones),
 * registers each login as a {@link LiveSession}, audits logins and logouts, and closes sessions on request.
 */
final class SessionRegistry implements SessionListener {

    /** The live session of an authenticated connection. */
    static final AttributeKey<LiveSession> LIVE = new AttributeKey<>();

    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);
    private static final AttributeKey<AtomicBoolean> PRE_AUTH = new AttributeKey<>();

    private final int maxPreAuthPerSource;
    private final int maxSessionsPerSlice;
    private final Audit audit;
    private final AtomicLong nextId = new AtomicLong(1);
    private final ConcurrentSkipListMap<Long, LiveSession> live = new ConcurrentSkipListMap<>();
    private final ConcurrentMap<InetAddress, Integer> preAuth = new ConcurrentHashMap<>();

    SessionRegistry(int maxPreAuthPerSource, int maxSessionsPerSlice, Audit audit) {
        this.maxPreAuthPerSource = maxPreAuthPerSource;
        this.maxSessionsPerSlice = maxSessionsPerSlice;
        this.audit = audit;
    }

    @Override
    public void sessionCreated(Session session) {
        InetAddress address = SliverAuthenticator.address(session.getIoSession().getRemoteAddress());
        session.setAttribute(PRE_AUTH, new AtomicBoolean(true));
        int count = preAuth.merge(address, 1, Integer::sum);
        if (count > maxPreAuthPerSource) {
            LOG.info("connection from {} closed: {} unauthenticated connections from that address (max {})",
                    SliverAuthenticator.source(session.getIoSession().getRemoteAddress()), count, maxPreAuthPerSource);
            session.close(true);
        }
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        if (event != Event.Authenticated) {
            return;
        }
        releasePreAuth(session);
        Grant grant = session.getAttribute(SliverAuthenticator.GRANT);
        if (grant == null || !(session instanceof ServerSession server)) {
            LOG.error("Authenticated connection from {} without a key grant: closed", session.getIoSession().getRemoteAddress());
            session.close(true);
            return;
        }
        SocketAddress remote = session.getIoSession().getRemoteAddress();
        LiveSession login = new LiveSession(nextId.getAndIncrement(), grant, SliverAuthenticator.address(remote),
                SliverAuthenticator.source(remote), audit.clock().instant(), server);
        // MINA counts sessions per user name; an all-digit slice has two (the id and its "slice" user name).
        synchronized (live) {
            long open = live.values().stream().filter(other -> other.grant().sliceId().equals(grant.sliceId())).count();
            if (open >= maxSessionsPerSlice) {
                LOG.info("slice {}: login from {} refused: {} sessions open (max {})", grant.sliceId(), login.source(), open,
                        maxSessionsPerSlice);
                disconnect(session, SshConstants.SSH2_DISCONNECT_TOO_MANY_CONNECTIONS,
                        "slice " + grant.sliceId() + ": too many sessions (max " + maxSessionsPerSlice + ")");
                return;
            }
            session.setAttribute(LIVE, login);
            live.put(login.id(), login);
        }
        audit.loggedIn(login);
    }

    @Override
    public void sessionClosed(Session session) {
        releasePreAuth(session);
        LiveSession login = session.removeAttribute(LIVE);
        if (login != null) {
            live.remove(login.id());
            audit.closed(login, null);
        } else {
            String user = session.getAttribute(SliverAuthenticator.TRIED_USER);
            String reason = user == null ? "closed without offering a public key"
                    : session.getAttribute(SliverAuthenticator.GRANT) == null ? "closed without an accepted key"
                    : "closed before the login completed (no valid signature, or too many sessions of the slice)";
            audit.abandoned(user, SliverAuthenticator.source(session.getIoSession().getRemoteAddress()), reason,
                    session.getAttribute(SliverAuthenticator.REFUSED) != null);
        }
    }

    List<SshFrontEnd.Session> sessions() {
        return live.values().stream().map(LiveSession::view).toList();
    }

    int openCount() {
        return live.size();
    }

    /** Closes one session; false if there is none with that id. The reason is shown to the client. */
    boolean close(long id, String reason) {
        LiveSession login = live.get(id);
        if (login == null) {
            return false;
        }
        disconnect(login, reason, reason);
        return true;
    }

    /** Closes every session of the slice; returns how many. The reason is shown to the clients. */
    int closeSlice(SliceId sliceId, String reason) {
        return closeWhere(sliceId, login -> reason, reason);
    }

    /**
     * Closes the slice's sessions for which {@code refusal} gives a reason (null keeps the session); returns how many.
     * The reason goes to the log, {@code toClient} to the client (which learns nothing of the server's files).
     */
    int closeWhere(SliceId sliceId, Function<LiveSession, String> refusal, String toClient) {
        int closed = 0;
        for (LiveSession login : live.values()) {
            if (login.grant().sliceId().equals(sliceId)) {
                String reason = refusal.apply(login);
                if (reason != null) {
                    disconnect(login, reason, toClient);
                    closed++;
                }
            }
        }
        return closed;
    }

    private void disconnect(LiveSession login, String reason, String toClient) {
        LOG.info("closing session {} of slice {} from {}: {}", login.id(), login.grant().sliceId(), login.source(), reason);
        disconnect(login.session(), SshConstants.SSH2_DISCONNECT_BY_APPLICATION, "slice " + login.grant().sliceId() + ": " + toClient);
    }

    private static void disconnect(Session session, int code, String message) {
        try {
            session.disconnect(code, message);
        } catch (IOException | RuntimeException e) {
            LOG.warn("disconnect of {} failed ({}), closing the connection", session.getIoSession().getRemoteAddress(), e.getMessage());
            session.close(true);
        }
    }

    private void releasePreAuth(Session session) {
        AtomicBoolean counted = session.getAttribute(PRE_AUTH);
        if (counted != null && counted.compareAndSet(true, false)) {
            preAuth.computeIfPresent(SliverAuthenticator.address(session.getIoSession().getRemoteAddress()),
                    (address, count) -> count <= 1 ? null : count - 1);
        }
    }
}
