package eu.confine.oob.shell.internal;

import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.Arrays;

import javax.security.auth.Subject;

import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jdk.net.UnixDomainPrincipal;

/**
 * Runs a command line in a fresh headless Karaf session, as Karaf's local console would: as the
 * connected user with the local console's roles ({@code karaf.local.roles}), printing a non-null
 * result, and turning a thrown exception into its message on stderr and exit status 1.
 */
final class KarafCommandExecutor implements CommandExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(KarafCommandExecutor.class);
    private static final String LOCAL_ROLES = "karaf.local.roles";
    private static final String DEFAULT_ROLES = "admin,manager,viewer,systembundles";

    private final SessionFactory sessionFactory;

    KarafCommandExecutor(SessionFactory sessionFactory) {
        this.sessionFactory = sessionFactory;
    }

    @Override
    public int execute(String commandLine, Path directory, UnixDomainPrincipal peer, PrintStream out, PrintStream err) {
        Session session = sessionFactory.create(new ByteArrayInputStream(new byte[0]), out, err);
        try {
            if (directory != null) {
                session.currentDir(directory);
            }
            Object result = Subject.doAs(subject(peer), (PrivilegedExceptionAction<Object>) () -> session.execute(commandLine));
            if (result != null && !(result instanceof Integer)) {
                out.println(result);
            }
            return 0;
        } catch (PrivilegedActionException e) {
            return failed(commandLine, e.getException(), err);
        } catch (RuntimeException e) {
            return failed(commandLine, e, err);
        } finally {
            session.close();
        }
    }

    private static int failed(String commandLine, Exception e, PrintStream err) {
        LOG.debug("Command '{}' from the control socket failed", commandLine, e);
        err.println(e.getMessage() != null ? e.getMessage() : e.toString());
        return 1;
    }

    private static Subject subject(UnixDomainPrincipal peer) {
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(peer.user().getName()));
        Arrays.stream(System.getProperty(LOCAL_ROLES, DEFAULT_ROLES).split(","))
                .map(String::trim)
                .filter(role -> !role.isEmpty())
                .forEach(role -> subject.getPrincipals().add(new RolePrincipal(role)));
        subject.setReadOnly();
        return subject;
    }
}
