package health.ductcare.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMART on FHIR resource scope (App Launch v2 {@code patient/Condition.rs}, with the v1 forms
 * {@code user/Observation.read}, {@code .write} and {@code .*} read as their v2 equivalents).
 * Scopes that are not resource scopes ({@code openid}, {@code launch}, {@code offline_access}) and v2
 * granular scopes with a query ({@code ?category=...}) grant nothing here: the server cannot narrow an
 * interaction to such a query, so it refuses rather than over-grants.
 */
public record SmartScope(Context context, String resourceType, Set<Permission> permissions) {

    /** Whose data the scope is about. */
    public enum Context { PATIENT, USER, SYSTEM }

    /** The v2 permission letters, in their canonical order c r u d s. */
    public enum Permission {
        CREATE('c'), READ('r'), UPDATE('u'), DELETE('d'), SEARCH('s');

        private final char letter;

        Permission(char letter) {
            this.letter = letter;
        }

        public char letter() {
            return letter;
        }
    }

    private static final Pattern SCOPE = Pattern.compile("(patient|user|system)/(\\*|[A-Z][A-Za-z]{1,63})\\.([a-z*]+)");
    private static final Pattern V2_PERMISSIONS = Pattern.compile("c?r?u?d?s?");

    /** The scope, or empty when {@code text} is not a resource scope this server can honour. */
    public static Optional<SmartScope> parse(String text) {
        if (text == null || text.contains("?")) {
            return Optional.empty();
        }
        Matcher matcher = SCOPE.matcher(text);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        Context context = Context.valueOf(matcher.group(1).toUpperCase(Locale.ROOT));
        Set<Permission> permissions = permissions(matcher.group(3));
        if (permissions.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SmartScope(context, matcher.group(2), permissions));
    }

    private static Set<Permission> permissions(String suffix) {
        switch (suffix) {
            case "read":
                return EnumSet.of(Permission.READ, Permission.SEARCH);
            case "write":
                return EnumSet.of(Permission.CREATE, Permission.UPDATE, Permission.DELETE);
            case "*":
                return EnumSet.allOf(Permission.class);
            default:
                break;
        }
        if (!V2_PERMISSIONS.matcher(suffix).matches()) {
            return EnumSet.noneOf(Permission.class);
        }
        EnumSet<Permission> permissions = EnumSet.noneOf(Permission.class);
        for (Permission permission : Permission.values()) {
            if (suffix.indexOf(permission.letter()) >= 0) {
                permissions.add(permission);
            }
        }
        return permissions;
    }

    /**
     * Whether this scope grants {@code permission} on {@code type}. A wildcard never covers
     * {@link AccessPolicy#ADMIN_TYPES}: reading the audit trail needs a user/ or system/ scope that names it.
     */
    public boolean grants(String type, Permission permission) {
        if (!permissions.contains(permission)) {
            return false;
        }
        if (context == Context.PATIENT && AccessPolicy.ADMIN_TYPES.contains(type)) {
            return false;
        }
        if ("*".equals(resourceType)) {
            return !AccessPolicy.ADMIN_TYPES.contains(type);
        }
        return resourceType.equals(type);
    }
}
