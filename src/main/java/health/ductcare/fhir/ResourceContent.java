package health.ductcare.fhir;

import org.hl7.fhir.r4.model.Resource;

/** Compares what two resources say, leaving aside what storage stamps on them (id, meta). */
public final class ResourceContent {

    private ResourceContent() {
    }

    public static boolean same(Resource stored, Resource candidate) {
        Resource a = stored.copy();
        Resource b = candidate.copy();
        a.setMeta(null);
        b.setMeta(null);
        a.setId((String) null);
        b.setId((String) null);
        return a.equalsDeep(b);
    }
}
