package eu.confine.oob.registry.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the registry follower (PID {@code eu.confine.oob.registry}). */
@ObjectClassDefinition(name = "confine-oob registry follower",
        description = "Follows the CONFINE testbed registry (REST API): which slivers this node runs and which slice "
                + "administrators' keys reach them. With a registry configured, the registry owns every sliver of the node.")
public @interface RegistryConfig {

    @AttributeDefinition(name = "Registry base URI",
            description = "Base URI of the registry's REST API (http or https), e.g. https://registry.example.org/api/. "
                    + "Empty: the follower stays idle and slivers come from node software or oob:* commands only.")
    String baseUri() default "";

    @AttributeDefinition(name = "Node id",
            description = "This node's id in the registry: its state is read from <base URI>/nodes/<node id>. "
                    + "Letters, digits, '_' or '-'. Required when a base URI is set.")
    String nodeId() default "";

    @AttributeDefinition(name = "Poll interval (s)",
            description = "Seconds between two syncs with the registry. After a failed sync the next try comes after one "
                    + "interval, then twice, four and eight times as long, until a sync succeeds.")
    int pollIntervalSeconds() default 60;

    @AttributeDefinition(name = "Request timeout (s)",
            description = "Seconds one registry request may take, from connecting to the last byte of the answer.")
    int requestTimeoutSeconds() default 20;

    @AttributeDefinition(name = "Trust store",
            description = "Optional absolute path of the certificates that may sign the registry's TLS certificate "
                    + "(a private CA): a PEM file of certificates, or a PKCS#12 or JKS key store. Empty: the JVM's "
                    + "default trusted CAs.")
    String trustStore() default "";

    @AttributeDefinition(name = "Trust store password", type = AttributeType.PASSWORD,
            description = "Password of a PKCS#12 or JKS trust store; empty for none or for a PEM file.")
    String trustStorePassword() default "";

    @AttributeDefinition(name = "Staleness limit (h)",
            description = "Hours after the last successful sync after which the SSH front end refuses logins to every "
                    + "sliver, until a sync succeeds again (fractions allowed: 0.5 is 30 minutes). 0: keep serving "
                    + "with the last known admin keys however old they are.")
    double stalenessLimitHours() default 0;

    @AttributeDefinition(name = "Snapshot file",
            description = "Absolute path where the last good registry state is kept (with its fetch time), written "
                    + "atomically after every successful sync and used after a restart while the registry is unreachable.")
    String snapshotFile() default "/var/lib/confine-oob/registry-snapshot.json";

    @AttributeDefinition(name = "Container of a sliver",
            description = "The LXC container name of a sliver, as a template: {slice} is the node-side slice id "
                    + "(12 lowercase hex digits), {node} the node id. Default: the slice id.")
    String containerOf() default "{slice}";
}
