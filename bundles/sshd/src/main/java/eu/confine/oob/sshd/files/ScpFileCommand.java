package eu.confine.oob.sshd.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.threads.ThreadUtils;
import org.apache.sshd.scp.common.ScpHelper;
import org.apache.sshd.scp.common.ScpTransferEventListener;
import org.apache.sshd.scp.common.helpers.ScpAckInfo;
import org.apache.sshd.server.command.AbstractFileSystemCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A legacy scp transfer ({@code scp -O}) served by MINA's scp protocol code on the sliver's file view,
 * on a thread of its own; no shell is involved at any point.
 */
final class ScpFileCommand extends AbstractFileSystemCommand {

    private static final Logger LOG = LoggerFactory.getLogger(ScpFileCommand.class);

    /** Bytes per read and write of file data (MINA's 8 KiB default would cost a credentials scope each). */
    private static final int BUFFER_SIZE = 128 * 1024;

    private final ScpRequest request;
    private final FileSystem view;
    private final String sliceId;

    ScpFileCommand(String command, ScpRequest request, SliverFileSystem view, String sliceId) {
        super(command, ThreadUtils.newSingleThreadExecutor("sliver-scp-" + sliceId));
        this.request = request;
        this.view = view;
        this.sliceId = sliceId;
        super.setFileSystem(view);
    }

    @Override
    public void setFileSystemFactory(FileSystemFactory factory, SessionContext session) {
        // The sliver's view only: the server's factory is never asked for a file system.
    }

    @Override
    public void setFileSystem(FileSystem fileSystem) {
        if (fileSystem != view) {
            LOG.debug("slice {}: scp keeps the sliver's file view, not {}", sliceId, fileSystem);
        }
    }

    @Override
    public void run() {
        int status = ScpAckInfo.OK;
        String message = "";
        SliverScpHelper helper = new SliverScpHelper(getServerSession(), getInputStream(), getOutputStream(), view);
        try {
            if (request.upload()) {
                helper.receive(getCommand(), helper.resolveLocalPath(request.path()), request.recursive(),
                        request.directory(), request.preserve(), BUFFER_SIZE);
            } else {
                helper.send(List.of(request.path()), request.recursive(), request.preserve(),
                        BUFFER_SIZE);
                if (helper.incomplete != null) {
                    status = ScpAckInfo.WARNING;
                    message = helper.incomplete;
                    LOG.info("slice {}: scp from {}: {}", sliceId, Printable.of(request.path()), message);
                }
            }
        } catch (IOException | RuntimeException e) {
            status = ScpAckInfo.ERROR;
            message = describe(e);
            LOG.info("slice {}: scp {} {} failed: {}", sliceId, request.upload() ? "to" : "from",
                    Printable.of(request.path()), message);
            try {
                ScpAckInfo.sendAck(getOutputStream(), StandardCharsets.UTF_8, status, "scp: " + message);
            } catch (IOException gone) {
                LOG.debug("slice {}: scp error not delivered: {}", sliceId, gone.getMessage());
            }
        } finally {
            onExit(status, message);
        }
    }

    /** MINA's scp protocol code, sending each file through an {@link ScpSource} (the announced length is kept). */
    private static final class SliverScpHelper extends ScpHelper {
        /** The first file sent incomplete (the command then exits 1), or null. */
        String incomplete;

        SliverScpHelper(Session session, InputStream in, OutputStream out, FileSystem view) {
            super(session, in, out, view, ScpOpener.INSTANCE, ScpTransferEventListener.EMPTY);
        }

        /**
         * As OpenSSH's scp: a file sent padded is followed by a warning in place of the OK; the client prints it,
         * answers, and the other files of a recursive transfer still go.
         */
        @Override
        public void sendFile(Path local, boolean preserve, int bufferSize) throws IOException {
            try (ScpSource source = ScpSource.open(local.normalize().toAbsolutePath())) {
                sendStream(source, preserve, bufferSize);
            } catch (ScpSource.Shortfall e) {
                sendWarning("scp: " + e.getMessage());
                readAck(false);
                if (incomplete == null) {
                    incomplete = e.getMessage();
                }
            }
        }
    }

    /** One line for the client: the path and what went wrong, never a host path or a stack. */
    static String describe(Exception e) {
        if (e instanceof FileSystemException) {
            FileSystemException f = (FileSystemException) e;
            String what = e instanceof NoSuchFileException ? "No such file or directory"
                    : e instanceof FileSystemLoopException ? "a symbolic link (never followed)"
                    : e instanceof AccessDeniedException && f.getReason() == null ? "Permission denied"
                    : f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
            return f.getFile() + ": " + what;
        }
        return String.valueOf(e.getMessage());
    }
}
