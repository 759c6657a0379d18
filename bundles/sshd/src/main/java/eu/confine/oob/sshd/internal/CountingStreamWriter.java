package eu.confine.oob.sshd.internal;

import java.io.IOException;
import java.util.function.LongConsumer;

import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.throttle.ChannelStreamWriter;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.BufferUtils;

/** Counts the payload bytes of the channel data packets a channel sends, then passes them on unchanged. */
final class CountingStreamWriter implements ChannelStreamWriter {

    private final ChannelStreamWriter delegate;
    private final LongConsumer counter;

    CountingStreamWriter(ChannelStreamWriter delegate, LongConsumer counter) {
        this.delegate = delegate;
        this.counter = counter;
    }

    @Override
    public IoWriteFuture writeData(Buffer buffer) throws IOException {
        // The packet starts at rpos: command byte, recipient channel, [data type,] payload length, payload.
        int position = buffer.rpos();
        if (buffer.wpos() - position >= 9) {
            byte command = buffer.array()[position];
            int lengthAt = position + 5 + (command == SshConstants.SSH_MSG_CHANNEL_EXTENDED_DATA ? 4 : 0);
            if ((command == SshConstants.SSH_MSG_CHANNEL_DATA || command == SshConstants.SSH_MSG_CHANNEL_EXTENDED_DATA)
                    && buffer.wpos() - lengthAt >= 4) {
                counter.accept(BufferUtils.getUInt(buffer.array(), lengthAt, 4));
            }
        }
        return delegate.writeData(buffer);
    }

    @Override
    public boolean isOpen() {
        return delegate.isOpen();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
