package eu.confine.oob.keys.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.rules.ExternalResource;
import org.junit.rules.TemporaryFolder;

import eu.confine.oob.api.host.HostCommand;

/** Real OpenSSH keys, made by ssh-keygen once per test class; each key's comment is its name. */
final class TestKeys extends ExternalResource {

    private final TemporaryFolder dir = new TemporaryFolder();

    @Override
    protected void before() throws Throwable {
        dir.create();
        generate("ed25519", "-t", "ed25519");
        generate("ecdsa256", "-t", "ecdsa", "-b", "256");
        generate("ecdsa384", "-t", "ecdsa", "-b", "384");
        generate("ecdsa521", "-t", "ecdsa", "-b", "521");
        generate("rsa2048", "-t", "rsa", "-b", "2048");
        generate("rsa1024", "-t", "rsa", "-b", "1024");
        generate("dsa", "-t", "dsa");
        generate("other", "-t", "ed25519");
        generate("ca", "-t", "ed25519");
        HostCommand.of("ssh-keygen", "-q", "-s", file("ca").toString(), "-I", "test", "-n", "admin",
                file("other").toString() + ".pub").check();
    }

    @Override
    protected void after() {
        dir.delete();
    }

    /** The key's public line as ssh-keygen wrote it: type, base64 blob, comment. */
    String line(String name) throws IOException {
        return Files.readString(pub(name)).strip();
    }

    /** The key's type and blob, without its comment. */
    String typeAndBlob(String name) throws IOException {
        String[] fields = line(name).split(" ");
        return fields[0] + " " + fields[1];
    }

    /** The certificate ssh-keygen signed for the key {@code other}. */
    String certificateLine() throws IOException {
        return Files.readString(dir.getRoot().toPath().resolve("other-cert.pub")).strip();
    }

    Path pub(String name) {
        return dir.getRoot().toPath().resolve(name + ".pub");
    }

    private Path file(String name) {
        return dir.getRoot().toPath().resolve(name);
    }

    private void generate(String name, String... type) {
        String[] argv = new String[type.length + 8];
        argv[0] = "ssh-keygen";
        argv[1] = "-q";
        System.arraycopy(type, 0, argv, 2, type.length);
        int i = type.length + 2;
        argv[i++] = "-N";
        argv[i++] = "";
        argv[i++] = "-C";
        argv[i++] = name;
        argv[i++] = "-f";
        argv[i] = file(name).toString();
        HostCommand.of(argv).check();
    }
}
