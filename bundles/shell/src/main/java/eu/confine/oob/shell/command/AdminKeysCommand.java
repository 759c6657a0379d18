package eu.confine.oob.shell.command;

import java.nio.file.Path;
import java.util.List;

import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.console.Session;

import eu.confine.oob.api.SliceId;

/** A lifecycle command that carries the slice administrators' public keys. */
abstract class AdminKeysCommand extends OutcomeCommand {

    @Option(name = "--key", multiValued = true,
            description = "An admin public key line in OpenSSH format (quote it); repeat for more keys")
    List<String> keys;

    @Option(name = "--keys-file",
            description = "A file of admin public keys, one per line; blank lines and # comments are ignored")
    String keysFile;

    @Reference(optional = true)
    Session session;

    /** The key lines of {@code --key} and {@code --keys-file}, a relative file read from the session's directory. */
    final String[] adminKeys(SliceId sliceId) {
        Session current = session;
        Path directory = current != null ? current.currentDir() : Path.of("").toAbsolutePath();
        return AdminKeyLines.collect(sliceId, keys, keysFile, directory).toArray(String[]::new);
    }
}
