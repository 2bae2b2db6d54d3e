package health.ductcare.security;

import health.ductcare.security.SmartScope.Permission;

/** A FHIR RESTful interaction (http.html) with the SMART permission it needs. */
public enum Interaction {
    READ(Permission.READ, "R"),
    VREAD(Permission.READ, "R"),
    HISTORY_INSTANCE(Permission.READ, "R"),
    SEARCH(Permission.SEARCH, "E"),
    HISTORY_TYPE(Permission.SEARCH, "E"),
    HISTORY_SYSTEM(Permission.SEARCH, "E"),
    CREATE(Permission.CREATE, "C"),
    UPDATE(Permission.UPDATE, "U"),
    PATCH(Permission.UPDATE, "U"),
    DELETE(Permission.DELETE, "D"),
    /** An operation reads its target; whatever it writes or returns is checked as it happens. */
    OPERATION(Permission.READ, "E"),
    /** A transaction or batch: every entry is checked on its own. */
    TRANSACTION(null, "E"),
    CAPABILITIES(null, "R"),
    /** A path no FHIR interaction matches (the endpoint answers 404/405); needs only a valid token. */
    OTHER(null, "E");

    private final Permission permission;
    private final String auditAction;

    Interaction(Permission permission, String auditAction) {
        this.permission = permission;
        this.auditAction = auditAction;
    }

    /** The SMART permission this interaction needs on its type, or null when it is checked otherwise. */
    public Permission permission() {
        return permission;
    }

    /** The AuditEvent.action code (C, R, U, D, E). */
    public String auditAction() {
        return auditAction;
    }

    public boolean isWrite() {
        return this == CREATE || this == UPDATE || this == PATCH || this == DELETE;
    }
}
