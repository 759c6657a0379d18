package eu.confine.oob.sshd.files;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/**
 * What {@code statx} said about one file (never following a symlink).
 *
 * @param mode       type and permission bits
 * @param attributes {@code stx_attributes} ({@link LibC#STATX_ATTR_MOUNT_ROOT} and friends)
 * @param device     major and minor number of the file system, as one value
 */
record FileStat(int mode, int uid, int gid, long nlink, long size, long inode, long device, long attributes,
        FileTime accessTime, FileTime modifyTime, FileTime changeTime, FileTime birthTime) {

    /** Size of {@code struct statx}. */
    static final int SIZE = 256;

    /** Reads a {@code struct statx} (same layout on every architecture). */
    static FileStat of(byte[] statx) {
        ByteBuffer b = ByteBuffer.wrap(statx).order(ByteOrder.nativeOrder());
        int mask = b.getInt(0);
        FileTime modified = time(b, 112);
        return new FileStat(
                Short.toUnsignedInt(b.getShort(28)),
                b.getInt(20),
                b.getInt(24),
                Integer.toUnsignedLong(b.getInt(16)),
                b.getLong(40),
                b.getLong(32),
                (Integer.toUnsignedLong(b.getInt(136)) << 32) | Integer.toUnsignedLong(b.getInt(140)),
                b.getLong(8),
                time(b, 64),
                modified,
                time(b, 96),
                (mask & LibC.STATX_BTIME) != 0 ? time(b, 80) : modified);
    }

    private static FileTime time(ByteBuffer b, int offset) {
        return FileTime.from(Instant.ofEpochSecond(b.getLong(offset), Integer.toUnsignedLong(b.getInt(offset + 8))));
    }

    int type() {
        return mode & LibC.S_IFMT;
    }

    boolean isRegularFile() {
        return type() == LibC.S_IFREG;
    }

    boolean isDirectory() {
        return type() == LibC.S_IFDIR;
    }

    boolean isSymbolicLink() {
        return type() == LibC.S_IFLNK;
    }

    boolean isOther() {
        return !isRegularFile() && !isDirectory() && !isSymbolicLink();
    }

    /** The permission bits without type, set-id and sticky bits. */
    int permissions() {
        return mode & 0777;
    }

    /** The same times, shown as a read-only directory owned by root: the virtual root that holds {@code tmp}. */
    FileStat asVirtualRoot() {
        return new FileStat(LibC.S_IFDIR | 0555, 0, 0, 3, 0, 1, 0, 0, accessTime, modifyTime, changeTime, birthTime);
    }
}
