package eu.confine.oob.sshd.files;

import java.nio.file.Path;

/**
 * What the file service needs to know.
 *
 * @param homeBase       the directory holding the slivers' homes ({@code <homeBase>/<user>/tmp} is each sliver's tmp mount)
 * @param maxOpenHandles open files and directories one SFTP channel may hold at once
 */
public record SliverFilesConfig(Path homeBase, int maxOpenHandles) {

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if the home base is not absolute or the handle limit below 1
     */
    public SliverFilesConfig {
        if (homeBase == null || !homeBase.isAbsolute()) {
            throw new IllegalArgumentException("homeBase must be an absolute path, not " + homeBase);
        }
        if (maxOpenHandles < 1) {
            throw new IllegalArgumentException("maxOpenHandles must be at least 1, not " + maxOpenHandles);
        }
    }
}
