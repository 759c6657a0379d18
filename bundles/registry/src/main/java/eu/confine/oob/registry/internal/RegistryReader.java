package eu.confine.oob.registry.internal;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import eu.confine.oob.api.InvalidSliverRequestException;
import eu.confine.oob.api.SliceId;

/**
 * Walks the registry from this node: node → slivers → slice → group → admin users, and returns what
 * the node should run. Any unusable answer fails the whole read, so a partial registry state never
 * reaches the node. Admins are the active users of the slice's group with {@code is_slice_admin} or
 * {@code is_group_admin}; a slice that expired or a sliver only registered ({@code set_state}) is left out.
 */
final class RegistryReader {

    private static final Pattern HEX_ID = Pattern.compile("[0-9a-f]{12}");
    private static final long MAX_SLICE_NUMBER = 0xffff_ffff_ffffL;
    private static final List<String> STATES = List.of("register", "deploy", "start");

    private final Resources registry;
    private final Settings settings;
    private final Clock clock;

    RegistryReader(Resources registry, Settings settings, Clock clock) {
        this.registry = registry;
        this.settings = settings;
        this.clock = clock;
    }

    /** Reads the registry state of this node; every resource is read at most once. */
    RegistryState read() throws RegistryException, InterruptedException {
        Walk walk = new Walk();
        URI nodeUri = settings.nodeUri();
        JsonNode node = walk.get(nodeUri);
        List<RegistryState.Sliver> slivers = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Set<SliceId> seen = new LinkedHashSet<>();
        for (JsonNode reference : Json.array(node, "slivers", nodeUri)) {
            URI sliverUri = Json.reference(reference, settings.base(), nodeUri, "sliver");
            JsonNode sliver = walk.get(sliverUri);
            URI sliceUri = Json.reference(Json.field(sliver, "slice", sliverUri), settings.base(), sliverUri, "slice");
            JsonNode slice = walk.get(sliceUri);
            SliceId sliceId = sliceId(slice, sliceUri);
            if (!seen.add(sliceId)) {
                throw new RegistryException(nodeUri + ": two slivers of slice " + sliceId + " on this node");
            }
            Optional<String> leftOut = leftOut(sliceId, sliver, sliverUri, slice, sliceUri);
            if (leftOut.isPresent()) {
                notes.add(leftOut.get());
                continue;
            }
            URI groupUri = Json.reference(Json.field(slice, "group", sliceUri), settings.base(), sliceUri, "group");
            slivers.add(new RegistryState.Sliver(sliceId, container(sliceId, sliceUri), adminTokens(walk, groupUri)));
        }
        return new RegistryState(slivers, notes, walk.read.keySet());
    }

    private List<RegistryState.Token> adminTokens(Walk walk, URI groupUri) throws RegistryException, InterruptedException {
        JsonNode group = walk.get(groupUri);
        List<URI> admins = new ArrayList<>();
        for (JsonNode role : Json.array(group, "user_roles", groupUri)) {
            URI userUri = Json.reference(Json.field(role, "user", groupUri), settings.base(), groupUri, "user");
            boolean admin = Json.bool(role, "is_slice_admin", groupUri) | Json.bool(role, "is_group_admin", groupUri);
            if (admin && !admins.contains(userUri)) {
                admins.add(userUri);
            }
        }
        admins.sort(null);
        List<RegistryState.Token> tokens = new ArrayList<>();
        for (URI userUri : admins) {
            JsonNode user = walk.get(userUri);
            boolean active = Json.bool(user, "is_active", userUri);
            for (JsonNode token : Json.array(user, "auth_tokens", userUri)) {
                if (!token.isTextual()) {
                    throw new RegistryException(userUri + ": auth_tokens must hold strings");
                }
                if (active) {
                    tokens.add(new RegistryState.Token(userUri, token.textValue()));
                }
            }
        }
        return tokens;
    }

    /** Why the node should not run this sliver now, if so. */
    private Optional<String> leftOut(SliceId sliceId, JsonNode sliver, URI sliverUri, JsonNode slice, URI sliceUri) throws RegistryException {
        Optional<String> expires = Json.optionalText(slice, "expires_on", sliceUri);
        if (expires.isPresent()) {
            Instant end = expiry(expires.get(), sliceUri);
            if (!clock.instant().isBefore(end)) {
                return Optional.of("slice " + sliceId + ": expired on " + expires.get() + ", not run here");
            }
        }
        int sliverState = state(sliver, sliverUri);
        int sliceState = state(slice, sliceUri);
        if (Math.min(sliverState, sliceState) == 0) {
            return Optional.of("slice " + sliceId + ": set_state is register, not deployed here");
        }
        return Optional.empty();
    }

    private static int state(JsonNode resource, URI where) throws RegistryException {
        Optional<String> state = Json.optionalText(resource, "set_state", where);
        if (state.isEmpty()) {
            return STATES.size() - 1;
        }
        int index = STATES.indexOf(state.get());
        if (index < 0) {
            throw new RegistryException(where + ": unknown set_state '" + state.get() + "'");
        }
        return index;
    }

    /** When a slice expires: a date expires at the end of that day (UTC); a time without zone is UTC. */
    static Instant expiry(String value, URI where) throws RegistryException {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException notOffset) {
            try {
                return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notLocal) {
                try {
                    return LocalDate.parse(value).plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException notDate) {
                    throw new RegistryException(where + ": expires_on '" + value + "' is not an ISO date or date-time");
                }
            }
        }
    }

    /** The node-side slice id: a numeric {@code id} as 12 lowercase hex digits, or a string that already is. */
    static SliceId sliceId(JsonNode slice, URI where) throws RegistryException {
        JsonNode id = Json.field(slice, "id", where);
        String hex;
        if (id.isIntegralNumber() && id.canConvertToLong() && id.longValue() >= 0 && id.longValue() <= MAX_SLICE_NUMBER) {
            hex = String.format("%012x", id.longValue());
        } else if (id.isTextual() && HEX_ID.matcher(id.textValue()).matches()) {
            hex = id.textValue();
        } else {
            throw new RegistryException(where + ": id must be a number below 16^12 or 12 lowercase hex digits, got " + abbreviated(id));
        }
        try {
            return SliceId.of(hex);
        } catch (InvalidSliverRequestException e) {
            throw new RegistryException(where + ": " + e.getMessage());
        }
    }

    private String container(SliceId sliceId, URI where) throws RegistryException {
        try {
            return settings.container(sliceId);
        } catch (InvalidSliverRequestException e) {
            throw new RegistryException(where + ": " + e.getMessage());
        }
    }

    private static String abbreviated(JsonNode value) {
        String text = value.toString();
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }

    /** The resources of one read, each fetched once. */
    private final class Walk {
        private final Map<URI, JsonNode> read = new HashMap<>();

        JsonNode get(URI uri) throws RegistryException, InterruptedException {
            JsonNode known = read.get(uri);
            if (known == null) {
                known = registry.get(uri);
                read.put(uri, known);
            }
            return known;
        }
    }
}
