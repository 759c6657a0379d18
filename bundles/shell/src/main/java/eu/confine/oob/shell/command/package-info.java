/**
 * The {@code oob:*} Karaf commands. Karaf registers {@code @Service @Command} classes only in
 * bundles with a {@code Karaf-Commands} header; it is declared here rather than in a
 * {@code bnd.bnd}, because with a {@code bnd.bnd} present bnd-maven-plugin evaluates the parent
 * pom's instructions in the parent's context (the bundle became {@code bundles}).
 */
@Header(name = "Karaf-Commands", value = "*")
package eu.confine.oob.shell.command;

import org.osgi.annotation.bundle.Header;
