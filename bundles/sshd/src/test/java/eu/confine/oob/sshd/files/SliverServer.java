package eu.confine.oob.sshd.files;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.junit.rules.ExternalResource;

/**
 * A sliver as the provisioning bundles leave it ({@link SliverFixture}) and a test server on it, for the tests of
 * one class: {@code @ClassRule public static final SliverServer NODE = new SliverServer(64);}. Both are gone after the
 * class, also when its setup failed.
 */
final class SliverServer extends ExternalResource {

    private final int maxOpenHandles;
    private SliverFixture sliver;
    private TestSshServer server;

    SliverServer(int maxOpenHandles) {
        this.maxOpenHandles = maxOpenHandles;
    }

    @Override
    protected void before() throws IOException {
        sliver = new SliverFixture();
        server = new TestSshServer(sliver, maxOpenHandles);
    }

    @Override
    protected void after() {
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop the test server", e);
        } finally {
            if (sliver != null) {
                sliver.close();
            }
        }
    }

    SliverFixture sliver() {
        return sliver;
    }

    TestSshServer server() {
        return server;
    }
}
