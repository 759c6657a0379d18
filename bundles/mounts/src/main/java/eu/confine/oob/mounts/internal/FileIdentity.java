package eu.confine.oob.mounts.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Device and inode of a directory: what tells whether a mount point shows the directory it should. */
record FileIdentity(long device, long inode) {

    /** The identity of what the path leads to (the path must be one root controls). */
    static FileIdentity of(Path path) throws IOException {
        Map<String, Object> attributes = Files.readAttributes(path, "unix:dev,ino");
        return new FileIdentity(((Number) attributes.get("dev")).longValue(), ((Number) attributes.get("ino")).longValue());
    }
}
