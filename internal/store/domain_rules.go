package store

// domainRulesChanged records a change of the server's domain rules (blocks,
// allows): caches of them (the inbox's) compare DomainRulesVersion.
func (s *Store) domainRulesChanged() { s.rulesVersion.Add(1) }

// DomainRulesVersion changes whenever this Store changes a domain rule. A
// cache of rules is exact on one node if it is dropped when the version
// changes; other nodes' changes it sees only when its entries expire.
func (s *Store) DomainRulesVersion() int64 { return s.rulesVersion.Load() }
