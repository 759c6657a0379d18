package eu.confine.oob.sshd.internal;

import java.io.IOException;

import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;
import org.apache.sshd.server.shell.ShellFactory;

import eu.confine.oob.api.Containers;
import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverRecords;

/**
 * Where each channel request goes, in one place: a shell request opens the sliver's console (not for a
 * {@code no-pty} key), an exec request starting with {@code scp } goes to the file side, any other exec request
 * runs in the sliver if commands are enabled. Subsystems are the file side's ({@link FileTransfer#subsystems()}).
 */
final class ChannelRouter implements ShellFactory, CommandFactory {

    private final Containers containers;
    private final SliverRecords records;
    private final FileTransfer files;
    private final boolean execInSliver;

    ChannelRouter(Containers containers, SliverRecords records, FileTransfer files, boolean execInSliver) {
        this.containers = containers;
        this.records = records;
        this.files = files;
        this.execInSliver = execInSliver;
    }

    /** Whether an exec request is an scp transfer. */
    static boolean isScp(String command) {
        return command.startsWith("scp ");
    }

    @Override
    public Command createShell(ChannelSession channel) {
        SliverChannel sliverChannel = (SliverChannel) channel;
        LiveSession login = sliverChannel.login();
        SliceId sliceId = login.grant().sliceId();
        if (!login.grant().options().ptyAllowed()) {
            return new RefusalCommand("slice " + sliceId + ": this key may not open a terminal (no-pty), so the console is "
                    + "closed to it; commands and file transfer to tmp/ still work", false);
        }
        return new ConsoleCommand(containers, records, sliceId, sliverChannel.terminal());
    }

    @Override
    public Command createCommand(ChannelSession channel, String command) throws IOException {
        SliverChannel sliverChannel = (SliverChannel) channel;
        SliceId sliceId = sliverChannel.login().grant().sliceId();
        boolean terminal = sliverChannel.terminal().isPresent();
        if (isScp(command)) {
            return files.scpCommand(channel, command);
        }
        if (!execInSliver) {
            return new RefusalCommand("slice " + sliceId + ": commands are disabled on this node; the console and file "
                    + "transfer to tmp/ (scp, sftp, sshfs) still work", terminal);
        }
        return new ExecCommand(command, containers, records, sliceId, sliverChannel.terminal());
    }
}
