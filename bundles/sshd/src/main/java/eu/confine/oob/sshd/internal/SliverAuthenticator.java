package eu.confine.oob.sshd.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;

import eu.confine.oob.api.InvalidSliverRequestException;
import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverRecord;
import eu.confine.oob.api.SliverRecords;
import eu.confine.oob.api.login.LoginPolicy;

/**
 * Public-key authentication of slice administrators: the SSH user name must be the user name of a slice that no
 * {@link LoginPolicy} refuses now, whose sliver is deployed (record DEPLOYING or READY), and {@link SliverKeys} must
 * accept the key for that slice from the client's address. Each refusal is logged with its reason; an accepted key is
 * remembered on the session.
 */
final class SliverAuthenticator implements PublickeyAuthenticator {

    /** The grant of the last accepted key (OpenSSH signs with the key it probed last). */
    static final AttributeKey<Grant> GRANT = new AttributeKey<>();
    /** The user name the client tried, for the audit of connections that never log in. */
    static final AttributeKey<String> TRIED_USER = new AttributeKey<>();
    /** Set once a key of the connection was refused (and the refusal counted). */
    static final AttributeKey<Boolean> REFUSED = new AttributeKey<>();

    private final SliverRecords records;
    private final SliverKeys keys;
    private final Audit audit;
    private final Supplier<List<LoginPolicy>> policies;

    /** @param policies the login policies registered now (read afresh on every login) */
    SliverAuthenticator(SliverRecords records, SliverKeys keys, Audit audit, Supplier<List<LoginPolicy>> policies) {
        this.records = records;
        this.keys = keys;
        this.audit = audit;
        this.policies = policies;
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        session.setAttribute(TRIED_USER, username);
        String fingerprint = Grant.fingerprint(key);
        InetAddress client = address(session.getClientAddress());
        SliceId sliceId;
        try {
            sliceId = SliceId.ofUserName(username);
        } catch (InvalidSliverRequestException e) {
            refuse(session, username, fingerprint, "not a slice user name");
            return false;
        }
        SliverKeys.Verdict verdict = check(sliceId, key, client);
        if (!verdict.allowed()) {
            refuse(session, username, fingerprint, verdict.refusal());
            return false;
        }
        session.setAttribute(GRANT, new Grant(sliceId, key, fingerprint, verdict.options()));
        return true;
    }

    private void refuse(ServerSession session, String username, String fingerprint, String reason) {
        boolean first = session.setAttribute(REFUSED, Boolean.TRUE) == null;
        audit.refused(username, source(session.getClientAddress()), fingerprint, reason, first);
    }

    /**
     * Whether the key may log into the slice from that address now: refused without looking at the record or the
     * keys when a login policy refuses the slice, else as {@link #admits}.
     */
    SliverKeys.Verdict check(SliceId sliceId, PublicKey key, InetAddress client) {
        Optional<String> refusal = policyRefusal(sliceId);
        if (refusal.isPresent()) {
            return SliverKeys.Verdict.refused(refusal.get());
        }
        return admits(sliceId, key, client);
    }

    /**
     * Whether the slice's sliver is deployed and its authorized_keys admits the key from that address, login
     * policies aside; used again for the live sessions when the slice's keys change (a policy refuses new logins,
     * it does not end sessions).
     */
    SliverKeys.Verdict admits(SliceId sliceId, PublicKey key, InetAddress client) {
        Optional<SliverRecord> record;
        try {
            record = records.find(sliceId);
        } catch (RuntimeException e) {
            return SliverKeys.Verdict.refused("slice " + sliceId + ": cannot read the sliver record: " + e.getMessage());
        }
        SliverRecord.Phase phase = record.map(SliverRecord::phase).orElse(null);
        if (phase != SliverRecord.Phase.READY && phase != SliverRecord.Phase.DEPLOYING) {
            return SliverKeys.Verdict.refused("slice " + sliceId + " has no deployed sliver on this node"
                    + (phase == null ? "" : " (phase " + phase + ")"));
        }
        return keys.check(sliceId, key, client);
    }

    /** The first refusal a registered login policy gives for the slice; a policy that fails refuses too. */
    private Optional<String> policyRefusal(SliceId sliceId) {
        for (LoginPolicy policy : policies.get()) {
            try {
                Optional<String> refusal = policy.refusal(sliceId);
                if (refusal.isPresent()) {
                    return refusal;
                }
            } catch (RuntimeException e) {
                return Optional.of("slice " + sliceId + ": login policy " + policy.getClass().getName() + " failed: " + e);
            }
        }
        return Optional.empty();
    }

    static InetAddress address(SocketAddress socket) {
        if (socket instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress();
        }
        throw new IllegalStateException("not an IP client address: " + socket);
    }

    /** {@code ADDRESS:PORT} of a client, IPv6 in brackets. */
    static String source(SocketAddress socket) {
        if (socket instanceof InetSocketAddress inet && inet.getAddress() != null) {
            String host = FromPatterns.text(inet.getAddress());
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(socket);
    }
}
