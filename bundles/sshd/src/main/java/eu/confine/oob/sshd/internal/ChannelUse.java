package eu.confine.oob.sshd.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** What one channel of a session did: console, exec, sftp or scp, its command, and the bytes it moved. */
final class ChannelUse {

    private final String type;
    private final String command;
    private final Instant started;
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();

    ChannelUse(String type, String command, Instant started) {
        this.type = type;
        this.command = command;
        this.started = started;
    }

    String type() {
        return type;
    }

    String command() {
        return command;
    }

    Duration duration(Instant now) {
        return Duration.between(started, now);
    }

    long bytesIn() {
        return bytesIn.get();
    }

    long bytesOut() {
        return bytesOut.get();
    }

    void received(long count) {
        bytesIn.addAndGet(count);
    }

    void sent(long count) {
        bytesOut.addAndGet(count);
    }
}
