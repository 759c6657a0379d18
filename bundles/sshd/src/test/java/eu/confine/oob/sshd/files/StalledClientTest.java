package eu.confine.oob.sshd.files;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelSubsystem;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.common.SftpConstants;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * A client that stops reading while the server still has SFTP replies to send: the subsystem thread waits for
 * window space, holds nothing else up, and ends as soon as the connection does.
 */
public class StalledClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int CLIENT_WINDOW = 64 * 1024;
    private static final int READ_LENGTH = 32 * 1024;

    @ClassRule
    public static final SliverServer NODE = new SliverServer(64);

    private static SliverFixture sliver;
    private static TestSshServer server;

    @BeforeClass
    public static void start() throws IOException {
        sliver = NODE.sliver();
        server = NODE.server();
    }


    @Test
    public void subsystemThreadWaitingForWindowSpaceEndsWithTheConnection() throws Exception {
        Files.write(sliver.tmp("big.bin"), new byte[4 * 1024 * 1024]);
        List<Thread> before = ServerThreads.now();
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        CoreModuleProperties.WINDOW_SIZE.set(client, (long) CLIENT_WINDOW);
        client.start();
        StallingOutput received = new StallingOutput();
        try {
            ClientSession session = RawSftp.login(client, server, sliver);
            ChannelSubsystem channel = session.createSubsystemChannel("sftp");
            channel.setOut(received);
            channel.setErr(OutputStream.nullOutputStream());
            channel.open().verify(TIMEOUT);
            OutputStream requests = channel.getInvertedIn();

            send(requests, SftpConstants.SSH_FXP_INIT, b -> b.putInt(3));
            send(requests, SftpConstants.SSH_FXP_OPEN, b -> {
                b.putInt(1);
                b.putString("tmp/big.bin");
                b.putInt(SftpConstants.SSH_FXF_READ);
                b.putInt(0);
            });
            String handle = received.handleOfSecondReply(TIMEOUT);

            // The client stops reading: what arrives from now on is never consumed, so its window is never opened again.
            received.stall();
            for (int k = 0; k < 64; k++) {
                long offset = (long) k * READ_LENGTH;
                int id = 100 + k;
                send(requests, SftpConstants.SSH_FXP_READ, b -> {
                    b.putInt(id);
                    b.putString(handle);
                    b.putLong(offset);
                    b.putInt(READ_LENGTH);
                });
            }
            Thread subsystem = waitingForWindowSpace(before);
            new Clients(server, sliver).sftp("ls tmp").check("control: the server still serves other sessions");

            session.close(true);
            subsystem.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse("the subsystem thread ended with the connection", subsystem.isAlive());
        } finally {
            received.release();
            client.stop();
        }
    }

    /** The new subsystem thread, once it waits for the client's window (fails after the timeout). */
    private static Thread waitingForWindowSpace(List<Thread> before) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (Thread thread : ServerThreads.now()) {
                if (!before.contains(thread) && thread.getName().contains("SliverSftpSubsystem-")
                        && Arrays.stream(thread.getStackTrace()).anyMatch(f -> f.getMethodName().startsWith("waitForSpace")
                                || f.getMethodName().startsWith("waitAndConsume"))) {
                    return thread;
                }
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new AssertionError("no SFTP subsystem thread came to wait for window space: " + ServerThreads.now());
    }

    /** One SFTP packet: length, type, then what {@code body} puts. */
    private static void send(OutputStream out, int type, Consumer<Buffer> body) throws IOException {
        Buffer b = new ByteArrayBuffer();
        b.putInt(0);
        b.putByte((byte) type);
        body.accept(b);
        int length = b.available() - Integer.BYTES;
        byte[] packet = b.getCompactData();
        packet[0] = (byte) (length >>> 24);
        packet[1] = (byte) (length >>> 16);
        packet[2] = (byte) (length >>> 8);
        packet[3] = (byte) length;
        out.write(packet);
        out.flush();
    }

    /** What the client's channel delivers: kept until {@link #stall}, after which a write blocks until {@link #release}. */
    private static final class StallingOutput extends OutputStream {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final CountDownLatch released = new CountDownLatch(1);
        private volatile boolean stalled;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (stalled) {
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            synchronized (kept) {
                kept.write(b, off, len);
                kept.notifyAll();
            }
        }

        void stall() {
            stalled = true;
        }

        void release() {
            released.countDown();
        }

        /** The handle in the second reply (the first is the version), which must be SSH_FXP_HANDLE. */
        String handleOfSecondReply(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (kept) {
                while (true) {
                    Buffer all = new ByteArrayBuffer(kept.toByteArray());
                    if (all.available() >= 4) {
                        int first = all.getInt();
                        if (all.available() >= first + 4) {
                            all.rpos(all.rpos() + first);
                            int second = all.getInt();
                            if (all.available() >= second) {
                                assertEquals("OPEN answered with a handle", SftpConstants.SSH_FXP_HANDLE, all.getUByte());
                                all.getInt();
                                return all.getString();
                            }
                        }
                    }
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        throw new AssertionError("no answer to OPEN within " + timeout);
                    }
                    kept.wait(left);
                }
            }
        }
    }
}
