package health.ductcare.service;

/**
 * Told of every committed-to-be write inside the writing transaction, so derived data (care plans)
 * changes atomically with its inputs.
 */
public interface ResourceChangeListener {

    void onChange(ResourceChange change);
}
