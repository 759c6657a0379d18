package eu.confine.oob.shell.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import org.apache.karaf.shell.api.console.SessionFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Owns the root-only control socket through which {@code bin/oob} runs Karaf commands from the host shell. */
@Component(service = {}, configurationPid = "eu.confine.oob.shell")
@Designate(ocd = ControlSocketComponent.Config.class)
public class ControlSocketComponent {

    @ObjectClassDefinition(name = "confine-oob control socket",
            description = "The local Unix domain socket through which root runs Karaf commands with bin/oob.")
    public @interface Config {
        @AttributeDefinition(name = "Socket path",
                description = "Absolute path of the control socket, read by bin/oob from this file. Its directory is created"
                        + " with mode 0700 if missing, or must already belong to the Karaf user with no group or other access;"
                        + " the socket itself is 0600 and only connections from the Karaf user (root) are served.")
        String socketPath() default "/run/confine-oob/control.sock";
    }

    private final ControlServer server;

    @Activate
    public ControlSocketComponent(@Reference SessionFactory sessionFactory, Config config) {
        Path socket = Path.of(config.socketPath());
        try {
            this.server = new ControlServer(socket, new KarafCommandExecutor(sessionFactory));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the control socket " + socket + ": " + e.getMessage(), e);
        }
    }

    @Deactivate
    void deactivate() {
        server.close();
    }
}
