package federation

// BatchedCreates is how many Creates h's inbox stored by the batch path
// (ingest_create.go), for the tests of package federation_test.
func BatchedCreates(h *Handler) int64 { return h.ingestOf().batched.Load() }
