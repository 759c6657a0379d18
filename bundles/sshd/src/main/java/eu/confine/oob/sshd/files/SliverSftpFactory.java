package eu.confine.oob.sshd.files;

import java.io.IOException;

import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.apache.sshd.sftp.server.UnsupportedAttributePolicy;

/** The {@code sftp} subsystem: each channel gets MINA's SFTP server on a fresh view of its own sliver's tmp. */
final class SliverSftpFactory extends SftpSubsystemFactory {

    private final SliverFiles files;
    private final int maxOpenHandles;

    SliverSftpFactory(SliverFiles files, int maxOpenHandles) {
        this.files = files;
        this.maxOpenHandles = maxOpenHandles;
        setFileSystemAccessor(new SliverSftpAccessor());
        setErrorStatusDataHandler(new V3Status());
        setUnsupportedAttributePolicy(UnsupportedAttributePolicy.ThrowException);
    }

    @Override
    public Command createSubsystem(ChannelSession channel) throws IOException {
        SliverFiles.View view = files.open(channel, "sftp");
        try {
            return new SliverSftpSubsystem(channel, this, view.fileSystem(), view.sliceId(), maxOpenHandles);
        } catch (RuntimeException e) {
            view.fileSystem().close();
            throw e;
        }
    }
}
