package eu.confine.oob.sshd.files;

import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import org.apache.sshd.common.session.Session;
import org.apache.sshd.scp.common.helpers.DefaultScpFileOpener;

/**
 * MINA's scp file opener without its default {@code O_SYNC} on received files: like OpenSSH's scp, a
 * write goes to the page cache (MINA's default made a 1 GiB legacy upload take minutes on disk).
 */
final class ScpOpener extends DefaultScpFileOpener {

    static final ScpOpener INSTANCE = new ScpOpener();

    @Override
    protected OpenOption[] resolveOpenOptions(Session session, Path file, long size, Set<PosixFilePermission> permissions,
            OpenOption... options) {
        return options;
    }
}
