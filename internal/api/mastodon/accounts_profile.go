package mastodon

import (
	"net/http"
	"regexp"
	"sort"
	"strconv"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/media"
	"github.com/agora-social/agora/internal/statuses"
)

// maxAttributionInput bounds the attribution_domains[] entries read
// (duplicates and blanks are dropped before the limit of 100 applies).
const maxAttributionInput = 4 * accounts.MaxAttributionDomains

// MaxFieldIndex bounds fields_attributes[N] indexes, which only order fields.
const MaxFieldIndex = 99

var fieldKeyRE = regexp.MustCompile(`^fields_attributes\[(\d*)\]\[(name|value)\]$`)

// updateCredentials is PATCH /api/v1/accounts/update_credentials, as
// multipart, form or JSON.
func (a *API) updateCredentials(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	var upd accounts.ProfileUpdate
	for _, s := range []struct {
		key string
		dst **string
	}{{"display_name", &upd.DisplayName}, {"note", &upd.Note}, {"source[privacy]", &upd.Privacy}, {"source[language]", &upd.Language}} {
		if p.Has(s.key) {
			val := p.String(s.key)
			*s.dst = &val
		}
	}
	for _, b := range []struct {
		key string
		dst **bool
	}{{"locked", &upd.Locked}, {"bot", &upd.Bot}, {"discoverable", &upd.Discoverable}, {"indexable", &upd.Indexable},
		{"hide_collections", &upd.HideCollections}, {"source[sensitive]", &upd.Sensitive}} {
		if p.Has(b.key) {
			val, err := p.Bool(b.key, false)
			if err != nil {
				return err
			}
			*b.dst = &val
		}
	}
	if upd.Fields, err = fieldsParam(p); err != nil {
		return err
	}
	if p.Has("attribution_domains") { // an empty list clears them
		domains := p.Strings("attribution_domains")
		if len(domains) > maxAttributionInput {
			return domain.Invalid("attribution_domains: at most %d domains", accounts.MaxAttributionDomains)
		}
		upd.AttributionDomains = &domains
	}
	// source[quote_policy] is the default quote_approval_policy of new
	// posts, kept with the other posting preferences.
	var quotePolicy *string
	if p.Has("source[quote_policy]") {
		q, err := statuses.ValidQuotePolicy(p.String("source[quote_policy]"))
		if err != nil {
			return domain.Invalid("source[quote_policy]: must be public, followers or nobody")
		}
		quotePolicy = &q
	}
	prof := *v.Account
	newImages, err := a.profileImages(r, &prof)
	if err != nil {
		return err
	}
	u, acct, err := a.Accounts.UpdateProfile(r.Context(), v.User, &prof, upd)
	if err != nil {
		for _, url := range newImages {
			a.Media.ForgetProfileImage(r.Context(), url)
		}
		return err
	}
	if quotePolicy != nil {
		u.Preferences.DefaultQuotePolicy = *quotePolicy
		if err := a.Store.SetPreferences(r.Context(), u.ID, u.Preferences, u.Locale); err != nil {
			return err
		}
	}
	for _, prev := range []string{v.Account.AvatarURL, v.Account.HeaderURL} {
		if prev != acct.AvatarURL && prev != acct.HeaderURL && prev != "" {
			a.Media.ForgetProfileImage(r.Context(), prev)
		}
	}
	n, err := a.Store.CountFollowRequests(r.Context(), acct.ID)
	if err != nil {
		return err
	}
	out := a.renderCredentialAccount(acct, u, n)
	for i := range out.Source.Fields { // the owner edits the text, not the rendered HTML
		out.Source.Fields[i].Value = accounts.FieldSource(out.Source.Fields[i].Value)
	}
	rest.OK(w, out)
	return nil
}

// profileImages stores the avatar and header of a multipart request
// (cropped to 400×400 and 1500×500) and sets their URLs on acct; it
// returns the new URLs, to delete if saving the profile fails.
func (a *API) profileImages(r *http.Request, acct *domain.Account) ([]string, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var stored []string
	for _, img := range []struct {
		name  string
		which media.ProfileImage
		dst   *string
	}{{"avatar", media.Avatar, &acct.AvatarURL}, {"header", media.Header, &acct.HeaderURL}} {
		f, closeFile, err := formFile(r.MultipartForm, img.name)
		if err == nil && f != nil && a.Media == nil {
			err = domain.E(domain.KindUnavailable, "Media storage is not configured")
		}
		if err == nil && f != nil {
			*img.dst, err = a.Media.StoreProfileImage(r.Context(), acct.ID, img.which, *f)
			closeFile()
			if err == nil {
				stored = append(stored, *img.dst)
			}
		}
		if err != nil {
			for _, url := range stored {
				a.Media.ForgetProfileImage(r.Context(), url)
			}
			return nil, err
		}
	}
	return stored, nil
}

// fieldsParam reads fields_attributes given as an indexed map
// (fields_attributes[0][name], also what a JSON array becomes) or as Rails
// array pairs (fields_attributes[][name]); nil when absent.
func fieldsParam(p *rest.Params) (*[]accounts.FieldInput, error) {
	keys := p.Keys("fields_attributes")
	if len(keys) == 0 {
		return nil, nil
	}
	byIndex := map[int]*accounts.FieldInput{}
	var names, values []string
	for _, k := range keys {
		m := fieldKeyRE.FindStringSubmatch(k)
		if m == nil {
			if k == "fields_attributes[]" || k == "fields_attributes" {
				continue // an empty list clears the fields
			}
			return nil, domain.Invalid("fields_attributes: unexpected key %s", k)
		}
		if m[1] == "" {
			if m[2] == "name" {
				names = p.Strings(k)
			} else {
				values = p.Strings(k)
			}
			continue
		}
		i, err := strconv.Atoi(m[1])
		if err != nil || i > MaxFieldIndex {
			return nil, domain.Invalid("fields_attributes: index %s out of range 0 to %d", m[1], MaxFieldIndex)
		}
		f := byIndex[i]
		if f == nil {
			f = &accounts.FieldInput{}
			byIndex[i] = f
		}
		if m[2] == "name" {
			f.Name = p.String(k)
		} else {
			f.Value = p.String(k)
		}
	}
	if len(names) != len(values) {
		return nil, domain.Invalid("fields_attributes: every field needs a name and a value")
	}
	idx := make([]int, 0, len(byIndex))
	for i := range byIndex {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	out := make([]accounts.FieldInput, 0, len(idx)+len(names))
	for _, i := range idx {
		out = append(out, *byIndex[i])
	}
	for i := range names {
		out = append(out, accounts.FieldInput{Name: names[i], Value: values[i]})
	}
	return &out, nil
}
