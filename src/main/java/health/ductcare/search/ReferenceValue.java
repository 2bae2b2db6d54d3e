package health.ductcare.search;

import health.ductcare.fhir.ServerBase;

/**
 * A reference split into what the index keys on: a reference to a resource of this server gives type and id
 * ({@code Patient/1}, {@code Patient/1/_history/2}, or an absolute URL under this server's own base, see
 * {@link ServerBase#local(String, String)}); anything else (another server's URL, a URN) keeps its URL.
 */
record ReferenceValue(String type, String id, String url) {

    /** The reference as the index holds it, for this server's {@code base} (null: none known). */
    static ReferenceValue parse(String reference, String base) {
        String local = ServerBase.local(reference, base);
        if (local != null) {
            int slash = local.indexOf('/');
            return new ReferenceValue(local.substring(0, slash), local.substring(slash + 1), null);
        }
        return new ReferenceValue(null, null, IndexValues.truncate(reference));
    }
}
