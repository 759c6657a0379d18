package eu.confine.oob.itests.support;

import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureSecurity;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFileExtend;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.options.extra.VMOption;

/**
 * The Pax Exam options that boot our own distribution offline: the tar.gz this reactor built, Pax
 * Exam's bundles from a folder the build filled, no remote repository, and Karaf's Java 17 flags.
 */
public final class OobOptions {

    /** System property (set by failsafe): path of the distribution tar.gz. */
    public static final String DISTRIBUTION = "confine.oob.distribution";
    /** System property (set by failsafe): folder holding Pax Exam's "exam" feature and bundles. */
    public static final String EXAM_REPOSITORY = "confine.oob.examRepository";
    /** System property: {@code true} keeps target/exam/&lt;uuid&gt; after the run, for debugging. */
    public static final String KEEP_RUNTIME = "confine.oob.keepRuntimeFolder";

    private static final String MVN_CFG = "etc/org.ops4j.pax.url.mvn.cfg";

    private OobOptions() {
    }

    /** Our distribution, offline, logging INFO to its data/log/karaf.log and WARN also to the test output. */
    public static Option[] distribution() {
        Path tarGz = Path.of(required(DISTRIBUTION));
        if (!Files.isRegularFile(tarGz)) {
            throw new IllegalStateException("no distribution at " + tarGz + ": build karaf-assembly first (mvn install)");
        }
        String karafVersion = required("karaf.version");
        String examRepository = Path.of(required(EXAM_REPOSITORY)).toUri().toString();
        String localRepository = Path.of(required("org.ops4j.pax.url.mvn.localRepository")).toUri().toString();
        List<Option> options = new ArrayList<>(List.of(
                karafDistributionConfiguration()
                        .frameworkUrl(tarGz.toUri().toString())
                        .name("confine-oob")
                        .karafVersion(karafVersion)
                        .unpackDirectory(new File("target/exam"))
                        .useDeployFolder(false),
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                configureSecurity().disableKarafMBeanServerBuilder(),
                logLevel(LogLevel.INFO),
                // WARN and worse also go to the test's output file (target/failsafe-reports/*-output.txt), plain.
                editConfigurationFilePut("etc/system.properties", "karaf.log.console", "WARN"),
                editConfigurationFilePut("etc/org.ops4j.pax.logging.cfg", "log4j2.appender.console.layout.pattern",
                        "%d{HH:mm:ss.SSS} %-5level [%t] %c - %msg%n"),
                editConfigurationFilePut("etc/org.apache.karaf.features.cfg", "updateSnapshots", "none"),
                // The distribution has no remote repository; the tests add two local folders.
                editConfigurationFileExtend(MVN_CFG, "org.ops4j.pax.url.mvn.defaultRepositories",
                        examRepository + "@id=exam@snapshots," + localRepository + "@id=build.local@snapshots")));
        if (Boolean.getBoolean(KEEP_RUNTIME)) {
            options.add(keepRuntimeFolder());
        }
        options.addAll(java17(karafVersion));
        return options.toArray(new Option[0]);
    }

    /** The module flags bin/karaf passes on Java 9+, which Pax Exam does not add by itself. */
    private static List<Option> java17(String karafVersion) {
        List<Option> flags = new ArrayList<>();
        for (String flag : List.of(
                "--add-reads=java.xml=java.logging",
                "--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED",
                "--patch-module", "java.base=lib/endorsed/org.apache.karaf.specs.locator-" + karafVersion + ".jar",
                "--patch-module", "java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + karafVersion + ".jar",
                "--add-opens", "java.base/java.security=ALL-UNNAMED",
                "--add-opens", "java.base/java.net=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--add-opens", "java.base/java.util=ALL-UNNAMED",
                "--add-opens", "java.naming/javax.naming.spi=ALL-UNNAMED",
                "--add-opens", "java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.ftp=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.content.text=ALL-UNNAMED",
                "--add-exports=jdk.naming.rmi/com.sun.jndi.url.rmi=ALL-UNNAMED",
                "-classpath", "lib/jdk9plus/*" + File.pathSeparator + "lib/boot/*")) {
            flags.add(new VMOption(flag));
        }
        return flags;
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set: run the ITs through Maven (failsafe)");
        }
        return value;
    }
}
