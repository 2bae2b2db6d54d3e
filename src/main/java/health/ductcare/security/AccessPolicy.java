package health.ductcare.security;

import health.ductcare.fhir.ServerBase;
import health.ductcare.search.SearchRequest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.util.FhirTerser;
import health.ductcare.security.AccessContext.Grant;
import health.ductcare.security.SmartScope.Permission;
import health.ductcare.service.ResourceTypes;
import health.ductcare.store.StoredResource;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.jboss.logging.Logger;

/**
 * The authorization decisions, in one place, for every path data takes: the REST interactions (by
 * {@link SmartAuthorizationFilter}), reads and history (by FhirEndpoint), every write (by {@link WriteGuard},
 * inside the writing transaction, so transaction Bundles and operations are checked entry by entry), and any
 * Bundle leaving the server ({@link #guardBundle}). Outside a request (internal work, the audit writer) nothing
 * is restricted.
 *
 * <p>A patient/ token sees its patient's compartment: a resource of a type in the Patient compartment is visible
 * only when one of its compartment references (HAPI's search-parameter definitions) names the patient, or it is
 * the Patient itself; another patient's resource is answered as not found. Types outside the compartment
 * (Practitioner, Medication, PlanDefinition...) are shared reference data: readable with a matching scope,
 * never writable by a patient/ token, except {@link #UNSHAREABLE_TYPES} which may carry anyone's data.
 */
@ApplicationScoped
public class AccessPolicy {

    private static final Logger LOG = Logger.getLogger(AccessPolicy.class);

    /** Types that no wildcard scope covers and no client writes: the audit trail. */
    public static final Set<String> ADMIN_TYPES = Set.of("AuditEvent");
    /** Types outside the Patient compartment that can still hold any patient's data. */
    static final Set<String> UNSHAREABLE_TYPES = Set.of("Bundle", "Binary", "Parameters");
    private static final String PATIENT = "Patient";

    private final FhirContext context;
    private final Instance<AccessContext> accessContext;
    private final Set<String> compartmentTypes;
    private final ServerBase serverBase;

    public AccessPolicy(FhirContext context, Instance<AccessContext> accessContext, ResourceTypes types,
            ServerBase serverBase) {
        this.context = context;
        this.accessContext = accessContext;
        this.serverBase = serverBase;
        Set<String> inCompartment = new HashSet<>();
        inCompartment.add(PATIENT);
        for (String type : types.all()) {
            RuntimeResourceDefinition definition = context.getResourceDefinition(type);
            for (RuntimeSearchParam parameter : definition.getSearchParams()) {
                Set<String> compartments = parameter.getProvidesMembershipInCompartments();
                if (compartments != null && compartments.contains(PATIENT)) {
                    inCompartment.add(type);
                    break;
                }
            }
        }
        this.compartmentTypes = Set.copyOf(inCompartment);
    }

    /** True when resources of {@code type} belong to patient compartments. */
    public boolean isCompartmentType(String type) {
        return compartmentTypes.contains(type);
    }

    /** The interaction check: 403 when no scope allows it, 405 for writes of server-owned types. */
    public void checkInteraction(Interaction interaction, String type) {
        if (interaction.isWrite() && type != null && ADMIN_TYPES.contains(type)) {
            throw new MethodNotAllowedException(type + " is written by the server only");
        }
        AccessContext access = current();
        if (access == null || !access.isEnforced() || interaction.permission() == null) {
            return;
        }
        if (access.grant(type, interaction.permission()) == Grant.NONE) {
            throw forbidden("The token's scopes do not allow " + describe(interaction, type));
        }
    }

    /**
     * Read access to one resource the client is about to receive: 403 without a read scope for its type, 404
     * (as if it did not exist) when it lies outside the token's patient compartment. For bundle entries and
     * operation results as much as for reads.
     */
    public void checkRead(String type, IBaseResource resource) {
        AccessContext access = current();
        if (access == null || !access.isEnforced()) {
            return;
        }
        Grant grant = readGrant(access, type);
        if (grant == Grant.NONE) {
            throw forbidden("The token's scopes do not allow reading " + type);
        }
        if (grant == Grant.COMPARTMENT && !isVisibleIn(type, resource, access.patientId())) {
            throw notFound(type, resource);
        }
    }

    /** {@link #checkRead(String, IBaseResource)} for a stored version; parses it only for patient/ tokens. */
    public void checkRead(StoredResource stored) {
        AccessContext access = current();
        if (access == null || !access.isEnforced()) {
            return;
        }
        Grant grant = readGrant(access, stored.type());
        if (grant == Grant.NONE) {
            throw forbidden("The token's scopes do not allow reading " + stored.type());
        }
        if (grant == Grant.COMPARTMENT && (stored.json() == null
                || !isVisibleIn(stored.type(), context.newJsonParser().parseResource(stored.json()), access.patientId()))) {
            // The very answer the store gives for an id or version that does not exist.
            throw stored.versionPid() == 0 ? new ResourceNotFoundException(new IdType(stored.type(), stored.id()))
                    : new ResourceNotFoundException("Version " + stored.version() + " of " + stored.type() + "/"
                            + stored.id() + " does not exist");
        }
    }

    /**
     * A write the client asks for, checked inside the writing transaction: the scope must allow it, and for a
     * patient/ token both the resource as written ({@code resource}, null for a delete) and the version it
     * replaces ({@code replaced}, null for a create) must lie in the token's compartment; else 403.
     */
    public void checkWrite(Interaction interaction, String type, IBaseResource resource, IBaseResource replaced) {
        checkWrite(interaction, type, resource, () -> replaced);
    }

    /** {@link #checkWrite(Interaction, String, IBaseResource, IBaseResource)}, loading the replaced version only if needed. */
    public void checkWrite(Interaction interaction, String type, IBaseResource resource,
            Supplier<IBaseResource> replacedVersion) {
        AccessContext access = current();
        if (access == null) {
            return;
        }
        if (ADMIN_TYPES.contains(type) && access.request() != null) {
            throw new MethodNotAllowedException(type + " is written by the server only");
        }
        if (!access.isEnforced()) {
            return;
        }
        Grant grant = access.grant(type, interaction.permission());
        if (grant == Grant.NONE) {
            throw forbidden("The token's scopes do not allow " + describe(interaction, type));
        }
        if (grant == Grant.COMPARTMENT) {
            if (!isCompartmentType(type)) {
                throw forbidden("A patient/ token cannot write " + type + ": it is not patient data");
            }
            if (resource != null && !belongsOnlyTo(type, resource, access.patientId())) {
                throw forbidden("The " + type + " must refer to the token's patient and to no other patient");
            }
            IBaseResource replaced = replacedVersion.get();
            if (replaced != null && !isVisibleIn(type, replaced, access.patientId())) {
                throw forbidden("The existing " + type + " is not in the token's patient compartment");
            }
        }
    }

    /**
     * Drops from a search, history or operation Bundle every entry the token may not read (another patient's
     * resource, a type it has no scope for). A search engine that honours {@code SearchRequest.compartment}
     * leaves nothing to drop; when something is dropped the total is removed, since it would count hidden data.
     * It looks at the entries only when {@link #guardsBundleEntries()}.
     */
    public void guardBundle(Bundle bundle) {
        AccessContext access = current();
        if (access == null || !access.isEnforced()) {
            return;
        }
        int dropped = 0;
        for (Iterator<Bundle.BundleEntryComponent> it = bundle.getEntry().iterator(); it.hasNext(); ) {
            Bundle.BundleEntryComponent entry = it.next();
            if (!mayReceive(access, entry)) {
                it.remove();
                dropped++;
            }
        }
        if (dropped > 0) {
            bundle.setTotalElement(null);
            LOG.debugf("Dropped %d Bundle entries outside the token's access", dropped);
        }
    }

    /**
     * Whether {@link #guardBundle} looks into this request's Bundle entries (when the token's access is enforced).
     * When it does not, a search or history Bundle may be written from the stored JSON without being parsed.
     */
    public boolean guardsBundleEntries() {
        AccessContext access = current();
        return access != null && access.isEnforced();
    }

    private boolean mayReceive(AccessContext access, Bundle.BundleEntryComponent entry) {
        if (entry.hasResource()) {
            String type = entry.getResource().fhirType();
            if (entry.getSearch().getMode() == Bundle.SearchEntryMode.OUTCOME && "OperationOutcome".equals(type)) {
                return true;
            }
            Grant grant = readGrant(access, type);
            return grant == Grant.ALL
                    || grant == Grant.COMPARTMENT && isVisibleIn(type, entry.getResource(), access.patientId());
        }
        // A deleted version in a history carries only its URL: visible to whom sees the whole type.
        String url = entry.hasRequest() ? entry.getRequest().getUrl() : entry.getFullUrl();
        String type = url == null ? null : new IdType(url).getResourceType();
        return type != null && readGrant(access, type) == Grant.ALL;
    }

    private Grant readGrant(AccessContext access, String type) {
        Grant read = access.grant(type, Permission.READ);
        Grant search = access.grant(type, Permission.SEARCH);
        if (read == Grant.ALL || search == Grant.ALL) {
            return Grant.ALL;
        }
        return read == Grant.COMPARTMENT || search == Grant.COMPARTMENT ? Grant.COMPARTMENT : Grant.NONE;
    }

    /** Whether a patient/ token of {@code patientId} may see this resource. */
    boolean isVisibleIn(String type, IBaseResource resource, String patientId) {
        if (!isCompartmentType(type)) {
            return !UNSHAREABLE_TYPES.contains(type) && !ADMIN_TYPES.contains(type);
        }
        if (PATIENT.equals(type) && patientId.equals(resource.getIdElement().getIdPart())) {
            return true;
        }
        return owners(resource).contains(patientId);
    }

    /** Whether a resource written by a patient/ token refers to its patient and to no other. */
    private boolean belongsOnlyTo(String type, IBaseResource resource, String patientId) {
        Set<String> owners = owners(resource);
        if (PATIENT.equals(type)) {
            String id = resource.getIdElement().getIdPart();
            return patientId.equals(id) && owners.stream().allMatch(patientId::equals);
        }
        return !owners.isEmpty() && owners.stream().allMatch(patientId::equals);
    }

    /**
     * The ids of the Patients whose compartment holds the resource. HAPI names a compartment owner by its id alone,
     * so an owner that the resource only names by another server's URL ({@code http://other.example/fhir/Patient/1})
     * is left out: that is not our Patient/1.
     */
    private Set<String> owners(IBaseResource resource) {
        FhirTerser terser = context.newTerser();
        List<IIdType> owners = terser.getCompartmentOwnersForResource(PATIENT, resource, Set.of());
        Set<String> ids = new HashSet<>();
        for (IIdType owner : owners) {
            if (owner.getIdPart() != null && (!owner.hasResourceType() || PATIENT.equals(owner.getResourceType()))) {
                ids.add(owner.getIdPart());
            }
        }
        if (!ids.isEmpty()) {
            ids.removeAll(onlyForeignPatients(terser, resource));
        }
        return ids;
    }

    /** Ids of Patients the resource names only by another server's absolute URL. */
    private Set<String> onlyForeignPatients(FhirTerser terser, IBaseResource resource) {
        String base = serverBase.current();
        Set<String> foreign = new HashSet<>();
        Set<String> local = new HashSet<>();
        for (IBaseReference reference : terser.getAllPopulatedChildElementsOfType(resource, IBaseReference.class)) {
            String value = reference.getReferenceElement().getValue();
            if (value == null || !PATIENT.equals(ServerBase.targetType(value))) {
                continue;
            }
            String id = new IdType(value).getIdPart();
            (ServerBase.local(value, base) != null ? local : foreign).add(id);
        }
        foreign.removeAll(local);
        return foreign;
    }

    /**
     * The types of {@code types} this request's token may not read at all: a system history leaves them out of
     * its query, so its pages are not filled with entries {@link #guardBundle} would then drop.
     */
    public Set<String> unreadableTypes(Collection<String> types) {
        AccessContext access = current();
        if (access == null || !access.isEnforced()) {
            return Set.of();
        }
        Set<String> unreadable = new HashSet<>();
        for (String type : types) {
            if (readGrant(access, type) == Grant.NONE) {
                unreadable.add(type);
            }
        }
        return unreadable;
    }

    /** This request's access, or null outside a request (internal work is not restricted). */
    /** The compartment a search of {@code type} is confined to for this request's token, or null. */
    public SearchRequest.Compartment searchCompartment(String type) {
        AccessContext access = current();
        return access == null || !access.isEnforced() ? null : access.compartment(type);
    }

    /**
     * For operations that read a patient's data of {@code type}: a patient/ token may only name its own patient;
     * any other answers 404, as if that patient did not exist.
     */
    public void checkPatientInCompartment(String type, String patientId) {
        SearchRequest.Compartment compartment = searchCompartment(type);
        if (compartment != null && !compartment.id().equals(patientId)) {
            throw new ResourceNotFoundException(new IdType("Patient", patientId));
        }
    }

    private AccessContext current() {
        ManagedContext requestContext = Arc.container().requestContext();
        if (!requestContext.isActive()) {
            return null;
        }
        return accessContext.get();
    }

    private static ForbiddenOperationException forbidden(String message) {
        return new ForbiddenOperationException(message);
    }

    private static ResourceNotFoundException notFound(String type, IBaseResource resource) {
        String id = resource.getIdElement().getIdPart();
        return id == null ? new ResourceNotFoundException("Resource not found")
                : new ResourceNotFoundException(new IdType(type, id));
    }

    private static String describe(Interaction interaction, String type) {
        return interaction.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
                + (type == null ? " at system level" : " on " + type);
    }
}
