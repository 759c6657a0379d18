package eu.confine.oob.sshd.internal;

import java.io.IOException;
import java.util.function.Supplier;

import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;
import org.apache.sshd.server.shell.ShellFactory;

import eu.confine.oob.api.Containers;
import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverRecords;
import eu.confine.oob.sshd.files.SliverFiles;

/**
 * Where each channel request goes, in one place: a shell request opens the sliver's console (not for a
 * {@code no-pty} key), an exec request starting with {@code scp } goes to the file side, any other exec request
 * runs in the sliver if commands are enabled. The only subsystem, {@code sftp}, is the file side's too
 * ({@link SliverFiles#sftpSubsystem()}).
 */
final class ChannelRouter implements ShellFactory, CommandFactory {

    private final Supplier<Containers> containers;
    private final SliverRecords records;
    private final SliverFiles files;
    private final boolean execInSliver;

    /** @param containers the LXC adapter now, or null while it is away (its bundle being updated) */
    ChannelRouter(Supplier<Containers> containers, SliverRecords records, SliverFiles files, boolean execInSliver) {
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
        Containers now = containers.get();
        if (now == null) {
            return new RefusalCommand(unavailable(sliceId), sliverChannel.terminal().isPresent());
        }
        return new ConsoleCommand(now, records, sliceId, sliverChannel.terminal());
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
        Containers now = containers.get();
        if (now == null) {
            return new RefusalCommand(unavailable(sliceId), terminal);
        }
        return new ExecCommand(command, now, records, sliceId, sliverChannel.terminal());
    }

    private static String unavailable(SliceId sliceId) {
        return "slice " + sliceId + ": the container service is not available right now (being updated?); "
                + "file transfer to tmp/ (scp, sftp, sshfs) still works";
    }
}
