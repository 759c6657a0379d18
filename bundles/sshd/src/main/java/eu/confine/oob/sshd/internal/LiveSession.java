package eu.confine.oob.sshd.internal;

import java.net.InetAddress;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.sshd.server.session.ServerSession;

import eu.confine.oob.api.SshFrontEnd;

/** One authenticated connection: who, from where, with which key, since when, what it does and its byte counts. */
final class LiveSession {

    private final long id;
    private final Grant grant;
    private final InetAddress address;
    private final String source;
    private final Instant started;
    private final ServerSession session;
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    private volatile ChannelUse lastUse;

    LiveSession(long id, Grant grant, InetAddress address, String source, Instant started, ServerSession session) {
        this.id = id;
        this.grant = grant;
        this.address = address;
        this.source = source;
        this.started = started;
        this.session = session;
    }

    long id() {
        return id;
    }

    Grant grant() {
        return grant;
    }

    InetAddress address() {
        return address;
    }

    String source() {
        return source;
    }

    Instant started() {
        return started;
    }

    ServerSession session() {
        return session;
    }

    void using(ChannelUse use) {
        lastUse = use;
    }

    void received(long count) {
        bytesIn.addAndGet(count);
    }

    void sent(long count) {
        bytesOut.addAndGet(count);
    }

    /** The operators' view: the latest channel's type and command, bytes of all channels. */
    SshFrontEnd.Session view() {
        ChannelUse use = lastUse;
        return new SshFrontEnd.Session(id, grant.sliceId().value(), source, grant.fingerprint(), use == null ? "none" : use.type(),
                use == null ? "" : use.command(), started, bytesIn.get(), bytesOut.get());
    }
}
