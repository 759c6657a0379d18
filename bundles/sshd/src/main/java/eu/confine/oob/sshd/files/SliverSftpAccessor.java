package eu.confine.oob.sshd.files;

import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.CopyOption;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;

/**
 * How MINA's SFTP server reaches the sliver's file view: like OpenSSH's sftp-server, the attributes
 * of an open request only give the mode of a file it creates, a close does not force the data to
 * disk (the client asks with {@code fsync@openssh.com}), and links, copies and locks are refused.
 */
final class SliverSftpAccessor implements SftpFileSystemAccessor {

    @Override
    public SeekableByteChannel openFile(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle,
            Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
        Set<OpenOption> kept = options.stream().filter(o -> o != LinkOption.NOFOLLOW_LINKS).collect(Collectors.toSet());
        FileAttribute<?>[] mode = Stream.of(attrs).filter(a -> a.name().equals("permissions")).toArray(FileAttribute<?>[]::new);
        return FileChannel.open(file, kept, mode);
    }

    @Override
    public void closeFile(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle, Channel channel,
            Set<? extends OpenOption> options) throws IOException {
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public FileLock tryLock(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle,
            Channel channel, long position, long size, boolean shared) {
        throw new UnsupportedOperationException("locks are not offered");
    }

    @Override
    public void createLink(SftpSubsystemProxy subsystem, Path link, Path existing, boolean symLink) {
        throw new UnsupportedOperationException("links are not created");
    }

    @Override
    public void copyFile(SftpSubsystemProxy subsystem, Path src, Path dst, Collection<CopyOption> opts) {
        throw new UnsupportedOperationException("files are not copied on the server");
    }

    @Override
    public String toString() {
        return "sliver tmp accessor";
    }
}
