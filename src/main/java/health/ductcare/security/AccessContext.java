package health.ductcare.security;

import health.ductcare.search.SearchRequest;
import health.ductcare.security.SmartScope.Permission;
import jakarta.enterprise.context.RequestScoped;
import java.util.List;

/**
 * Who is asking in this request and what their token allows: set once by {@link SmartAuthorizationFilter}
 * and consulted by {@link AccessPolicy}, the search engine (via {@link #compartment()}) and the audit trail.
 * When security is disabled it is unrestricted and the subject is {@code anonymous}.
 */
@RequestScoped
public class AccessContext {

    /** What a token allows for one type and permission. */
    public enum Grant {
        /** Every resource of the type (user/ or system/ scopes, or security disabled). */
        ALL,
        /** Only resources in the token's patient compartment (patient/ scopes). */
        COMPARTMENT,
        NONE
    }

    public static final String ANONYMOUS = "anonymous";

    private boolean enforced;
    private String subject = ANONYMOUS;
    private String clientId;
    private List<SmartScope> scopes = List.of();
    private String patientId;
    private boolean withoutUser;
    private FhirRequest request;
    private AuditTrail.BundleAccess bundleAccess;

    void unrestricted(FhirRequest request) {
        this.enforced = false;
        this.request = request;
    }

    void authenticated(String subject, String clientId, List<SmartScope> scopes, String patientId,
            boolean withoutUser, FhirRequest request) {
        this.enforced = true;
        this.withoutUser = withoutUser;
        this.subject = subject == null ? "unknown" : subject;
        this.clientId = clientId;
        this.scopes = List.copyOf(scopes);
        this.patientId = patientId;
        this.request = request;
    }

    /** Remembers the interaction for the audit trail even when the request is refused before authorization. */
    void attempted(FhirRequest request) {
        this.request = request;
    }

    public boolean isEnforced() {
        return enforced;
    }

    public String subject() {
        return subject;
    }

    public String clientId() {
        return clientId;
    }

    public List<SmartScope> scopes() {
        return scopes;
    }

    /** True for a token that acts for no user (a backend service with system/ scopes only). */
    public boolean actsWithoutUser() {
        return withoutUser;
    }

    /** The patient a patient/ token is bound to, or null. */
    public String patientId() {
        return patientId;
    }

    void bundleAccess(AuditTrail.BundleAccess access) {
        this.bundleAccess = access;
    }

    /** What the transaction or batch of this request did, entry by entry (null when it posted none). */
    public AuditTrail.BundleAccess bundleAccess() {
        return bundleAccess;
    }

    /** The interaction this request was recognised as (null outside /fhir). */
    public FhirRequest request() {
        return request;
    }

    public Grant grant(String type, Permission permission) {
        if (!enforced) {
            return Grant.ALL;
        }
        boolean inCompartment = false;
        for (SmartScope scope : scopes) {
            boolean grants = type == null
                    ? scope.permissions().contains(permission)
                    : scope.grants(type, permission);
            if (!grants) {
                continue;
            }
            if (scope.context() != SmartScope.Context.PATIENT) {
                return Grant.ALL;
            }
            inCompartment |= patientId != null;
        }
        return inCompartment ? Grant.COMPARTMENT : Grant.NONE;
    }

    /**
     * The compartment a search of {@code type} must stay in: {@code Patient/<id>} when only patient/ scopes allow
     * it, else null. FhirEndpoint passes it on in {@link SearchRequest#compartment()}.
     */
    public SearchRequest.Compartment compartment(String type) {
        return grant(type, Permission.SEARCH) == Grant.COMPARTMENT
                ? new SearchRequest.Compartment("Patient", patientId) : null;
    }

    /** The compartment of this request's own search, see {@link #compartment(String)}. */
    public SearchRequest.Compartment compartment() {
        return compartment(request == null ? null : request.type());
    }
}
