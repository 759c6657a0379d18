package eu.confine.oob.sshd.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the SSH front end (PID {@code eu.confine.oob.sshd}). */
@ObjectClassDefinition(name = "confine-oob SSH front end",
        description = "The SSH server slice administrators reach with stock OpenSSH clients: sliver console, commands "
                + "inside the sliver, files in the sliver's tmp. Public-key authentication only, no forwarding of any kind.")
public @interface SshdConfig {

    @AttributeDefinition(name = "Listen address",
            description = "IP address the server binds to; 0.0.0.0 for every IPv4 address, :: for every address.")
    String listenAddress() default "0.0.0.0";

    @AttributeDefinition(name = "Port", description = "TCP port (1-65535; 0 picks a free port, for tests).",
            min = "0", max = "65535")
    int port() default 2222;

    @AttributeDefinition(name = "Host key directory",
            description = "Absolute, root-only (0700) directory holding the ed25519 and RSA 3072 host keys in OpenSSH "
                    + "format. They are generated on first start and reused afterwards; keep it across updates.")
    String hostKeyDirectory() default "/var/lib/confine-oob/hostkeys";

    @AttributeDefinition(name = "Home base",
            description = "Absolute directory holding the sliver users' homes; a slice's keys are read from "
                    + "<home base>/<user>/.ssh/authorized_keys. Must be the same as the users and keys bundles' home base.")
    String homeBase() default "/home";

    @AttributeDefinition(name = "Idle timeout",
            description = "Seconds without any traffic after which a connection is closed.", min = "1")
    int idleTimeoutSeconds() default 900;

    @AttributeDefinition(name = "Authentication timeout",
            description = "Seconds a client has from connecting to being authenticated.", min = "1")
    int authTimeoutSeconds() default 30;

    @AttributeDefinition(name = "Maximum authentication attempts",
            description = "Authentication requests a connection may make (the probe of each offered key counts) "
                    + "before it is disconnected.", min = "1")
    int maxAuthAttempts() default 6;

    @AttributeDefinition(name = "Maximum sessions per slice",
            description = "Authenticated connections one slice may have open at the same time.", min = "1")
    int maxSessionsPerSlice() default 16;

    @AttributeDefinition(name = "Maximum channels per connection",
            description = "Channels (console, command, sftp, scp) one connection may have open at the same time.", min = "1")
    int maxChannelsPerConnection() default 10;

    @AttributeDefinition(name = "Maximum open handles",
            description = "Files and directories one SFTP channel may have open at the same time.", min = "1")
    int maxOpenHandles() default 256;

    @AttributeDefinition(name = "Maximum unauthenticated connections per source",
            description = "Connections one client address may have open before authentication; extra ones are closed.",
            min = "1")
    int maxPreAuthConnectionsPerSource() default 10;

    @AttributeDefinition(name = "Commands run in the sliver",
            description = "Whether 'ssh SLICE@node COMMAND' runs COMMAND inside the running sliver (with the sliver's "
                    + "/bin/sh). If false, such commands are refused; console and file transfer are unaffected.")
    boolean execInSliver() default true;
}
