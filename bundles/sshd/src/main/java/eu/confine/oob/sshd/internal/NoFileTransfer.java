package eu.confine.oob.sshd.internal;

import java.util.List;

import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.subsystem.SubsystemFactory;

/** No file transfer: no subsystem is offered and scp requests are answered with one line and exit status 1. */
final class NoFileTransfer implements FileTransfer {

    @Override
    public List<SubsystemFactory> subsystems() {
        return List.of();
    }

    @Override
    public Command scpCommand(ChannelSession channel, String command) {
        return new RefusalCommand("file transfer is not available on this node", false);
    }

    @Override
    public void close() {
        // Nothing held.
    }
}
