/** Rules a login front end applies before it lets a slice administrator in. */
@Export
@Version("1.0.0")
package eu.confine.oob.api.login;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
