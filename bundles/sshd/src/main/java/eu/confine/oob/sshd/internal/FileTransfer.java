package eu.confine.oob.sshd.internal;

import java.io.IOException;
import java.util.List;

import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.subsystem.SubsystemFactory;

/** The file side of the front end: the SFTP subsystem and scp, both confined to the sliver's tmp. */
interface FileTransfer {

    /** The subsystems offered (only {@code sftp}); any other subsystem is refused. */
    List<SubsystemFactory> subsystems();

    /** The command for an exec request starting with {@code scp }. */
    Command scpCommand(ChannelSession channel, String command) throws IOException;

    /** Releases what the file side holds; called when the front end stops. */
    void close();
}
