package eu.confine.oob.keys.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the keys bundle (PID {@code eu.confine.oob.keys}). */
@ObjectClassDefinition(name = "confine-oob authorized keys",
        description = "Where confine-oob writes each sliver's authorized_keys from its admin keys.")
public @interface KeysConfig {

    @AttributeDefinition(name = "Home base",
            description = "Absolute directory holding the sliver users' homes; a sliver's keys file is "
                    + "<home base>/<user>/.ssh/authorized_keys. Must be the same as the users bundle's home base.")
    String homeBase() default "/home";
}
