package eu.confine.oob.itests.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import eu.confine.oob.api.host.HostCommand;

/**
 * An ed25519 key pair made with {@code ssh-keygen} (no passphrase): the private key file, and its public line as
 * an administrator's key. The public key is next to it as {@code NAME.pub}.
 */
public record TestKey(Path privateKey, String publicLine) {

    /** Makes {@code directory/name} (replacing an earlier pair of that name) with this comment. */
    public static TestKey generate(Path directory, String name, String comment) throws IOException {
        Files.createDirectories(directory);
        Path key = directory.resolve(name);
        Files.deleteIfExists(key);
        Files.deleteIfExists(publicKeyFile(key));
        HostCommand.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", key.toString()).check();
        return new TestKey(key, Files.readString(publicKeyFile(key)).strip());
    }

    /** The {@code .pub} file (for {@code --keys-file}). */
    public Path publicKeyFile() {
        return publicKeyFile(privateKey);
    }

    private static Path publicKeyFile(Path privateKey) {
        return privateKey.resolveSibling(privateKey.getFileName() + ".pub");
    }
}
