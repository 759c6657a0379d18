package eu.confine.oob.sshd.files;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

import com.sun.jna.LastErrorException;

/** Turns a failed native call into the {@link java.nio.file} exception that names the path (MINA maps those to SFTP status codes). */
final class Errno {

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int ENXIO = 6;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EXDEV = 18;
    static final int EEXIST = 17;
    static final int ENOTDIR = 20;
    static final int EISDIR = 21;
    static final int EINVAL = 22;
    static final int EROFS = 30;
    static final int ENAMETOOLONG = 36;
    static final int ENOTEMPTY = 39;
    static final int ELOOP = 40;
    /** Not an errno: the file service's own refusal of a FIFO, socket, device or symlink. */
    static final int WRONG_TYPE = 10_000;

    private Errno() {
    }

    static FileSystemException of(LastErrorException e, String path) {
        return of(e, path, null);
    }

    static FileSystemException of(LastErrorException e, String path, String other) {
        int code = e.getErrorCode();
        switch (code) {
            case ENOENT:
                return new NoSuchFileException(path, other, null);
            case EACCES:
            case EPERM:
            case EROFS:
                return new AccessDeniedException(path, other, reason(code));
            case EXDEV:
                return new AccessDeniedException(path, other, "outside the sliver's tmp");
            case EEXIST:
                return new FileAlreadyExistsException(path, other, null);
            case ENOTEMPTY:
                return new DirectoryNotEmptyException(path);
            case ENOTDIR:
                return new NotDirectoryException(path);
            case ELOOP:
                return new FileSystemLoopException(path);
            case ENXIO:
            case WRONG_TYPE:
                return new AccessDeniedException(path, other, "not a regular file or directory");
            default:
                return new FileSystemException(path, other, reason(code));
        }
    }

    private static String reason(int code) {
        switch (code) {
            case EPERM:
                return "operation not permitted";
            case EACCES:
                return "permission denied";
            case EROFS:
                return "read-only file system";
            case EISDIR:
                return "is a directory";
            case EINVAL:
                return "invalid argument";
            case ENAMETOOLONG:
                return "file name too long";
            case EAGAIN:
                return "busy (a lease or lock of the sliver's), try again";
            default:
                return "error " + code;
        }
    }
}
