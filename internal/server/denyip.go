package server

import "net/http"

// DenyIPs answers 403 to requests whose client address denied says may not
// reach the server at all (an admin's no_access IP block).
func DenyIPs(next http.Handler, denied func(r *http.Request) bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if denied(r) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"error":"Access from your network is not allowed"}` + "\n"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
