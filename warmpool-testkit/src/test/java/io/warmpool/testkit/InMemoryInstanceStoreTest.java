package io.warmpool.testkit;

import io.warmpool.spi.InstanceStore;

class InMemoryInstanceStoreTest extends InstanceStoreContract {

    @Override
    protected InstanceStore newStore() {
        return new InMemoryInstanceStore();
    }
}
