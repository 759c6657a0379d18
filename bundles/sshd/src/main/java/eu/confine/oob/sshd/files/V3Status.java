package eu.confine.oob.sshd.files;

import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpHelper;
import org.apache.sshd.sftp.server.SftpErrorStatusDataHandler;
import org.apache.sshd.sftp.server.SftpSubsystemEnvironment;

/**
 * Status codes a version 3 client knows (MINA would send version 6 codes such as "link loop"), with
 * the standard message of the code only: nothing of the server's internals reaches the client.
 */
final class V3Status implements SftpErrorStatusDataHandler {

    @Override
    public int resolveSubStatus(SftpSubsystemEnvironment sftp, int id, Throwable e, int cmd, Object... args) {
        int status = SftpHelper.resolveSubstatus(e);
        if (status <= SftpConstants.SSH_FX_OP_UNSUPPORTED) {
            return status;
        }
        switch (status) {
            case SftpConstants.SSH_FX_NOT_A_DIRECTORY:
                return SftpConstants.SSH_FX_NO_SUCH_FILE;
            case SftpConstants.SSH_FX_LINK_LOOP:
                return SftpConstants.SSH_FX_PERMISSION_DENIED;
            case SftpConstants.SSH_FX_INVALID_FILENAME:
            case SftpConstants.SSH_FX_INVALID_PARAMETER:
                return SftpConstants.SSH_FX_BAD_MESSAGE;
            default:
                return SftpConstants.SSH_FX_FAILURE;
        }
    }
}
