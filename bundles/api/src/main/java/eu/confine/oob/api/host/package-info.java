/** Running host tools safely: argument lists, clean environment, bounded time. */
@Export
@Version("1.0.0")
package eu.confine.oob.api.host;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
