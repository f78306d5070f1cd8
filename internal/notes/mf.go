// Package notes holds Community Notes: notes that add context to posts,
// rated by members, and shown when people who usually disagree both find
// them helpful. The scoring is a Go port of the core of X's open-source
// bridging algorithm (twitter/communitynotes, matrix_factorization.py);
// see docs/community-notes.md.
package notes

import (
	"math"
	"math/rand/v2"
)

// Rating is one member's rating of one note: 1 helpful, 0.5 somewhat
// helpful, 0 not helpful.
type Rating struct {
	Note    string
	Rater   string
	Helpful float64
}

// Params are the model's settings; DefaultParams are the reference's.
type Params struct {
	FactorLambda    float64 // on rater and note factors
	InterceptLambda float64 // on rater, note and global intercepts
	LearningRate    float64 // Adam, from scratch
	MaxGradNorm     float64 // global L2 norm clipping
	Convergence     float64 // stop when the loss moves less than this
	MaxEpochs       int     // a safety net: the reference converges long before
	Seed            uint64  // of the factor initialization
}

// DefaultParams are the settings of the reference scorer's core model.
func DefaultParams() Params {
	return Params{FactorLambda: 0.03, InterceptLambda: 0.15, LearningRate: 1.0, MaxGradNorm: 1.0,
		Convergence: 1e-7, MaxEpochs: 20000, Seed: 1}
}

// Model is a fitted model: r̂(u,n) = μ + i_u + i_n + f_u·f_n. A note's
// helpfulness is its intercept i_n; f_n places it on the viewpoint axis
// the ratings reveal.
type Model struct {
	Global          float64
	NoteIntercept   map[string]float64
	NoteFactor      map[string]float64
	RaterIntercept  map[string]float64
	RaterFactor     map[string]float64
	NumRatings      map[string]int // per note
	Epochs          int
	Loss, TrainMSE  float64
	noteIdx, userIx map[string]int
}

// adam is PyTorch's Adam (β 0.9/0.999, ε 1e-8) over one parameter vector.
type adam struct {
	m, v []float64
}

func (a *adam) step(p, g []float64, lr float64, t int) {
	const b1, b2, eps = 0.9, 0.999, 1e-8
	c1, c2 := 1-math.Pow(b1, float64(t)), 1-math.Pow(b2, float64(t))
	for i := range p {
		a.m[i] = b1*a.m[i] + (1-b1)*g[i]
		a.v[i] = b2*a.v[i] + (1-b2)*g[i]*g[i]
		p[i] -= lr * (a.m[i] / c1) / (math.Sqrt(a.v[i]/c2) + eps)
	}
}

// Fit fits the model to ratings as the reference does: mean squared error
// plus λ times the mean square of each parameter group, full-batch Adam
// with gradient-norm clipping, until the loss changes by less than
// Convergence (or rises after epoch 100); then the factors' sign is set
// so that at least half of the raters have a non-positive factor.
func Fit(ratings []Rating, p Params) *Model {
	m := &Model{NoteIntercept: map[string]float64{}, NoteFactor: map[string]float64{}, RaterIntercept: map[string]float64{},
		RaterFactor: map[string]float64{}, NumRatings: map[string]int{}, noteIdx: map[string]int{}, userIx: map[string]int{}}
	var notes, users []string
	type obs struct {
		n, u int
		r    float64
	}
	data := make([]obs, 0, len(ratings))
	for _, r := range ratings {
		ni, ok := m.noteIdx[r.Note]
		if !ok {
			ni = len(notes)
			m.noteIdx[r.Note] = ni
			notes = append(notes, r.Note)
		}
		ui, ok := m.userIx[r.Rater]
		if !ok {
			ui = len(users)
			m.userIx[r.Rater] = ui
			users = append(users, r.Rater)
		}
		data = append(data, obs{ni, ui, r.Helpful})
		m.NumRatings[r.Note]++
	}
	if len(data) == 0 {
		return m
	}
	N, M, U := float64(len(data)), float64(len(notes)), float64(len(users))
	// Parameters: note intercepts, note factors, user intercepts, user
	// factors, global intercept, each with its Adam state.
	in, fn := make([]float64, len(notes)), make([]float64, len(notes))
	iu, fu := make([]float64, len(users)), make([]float64, len(users))
	mu := []float64{0}
	rng := rand.New(rand.NewPCG(p.Seed, p.Seed^0x9e3779b97f4a7c15))
	xavier := func(v []float64) {
		b := math.Sqrt(6 / float64(len(v)+1))
		for i := range v {
			v[i] = (rng.Float64()*2 - 1) * b
		}
	}
	xavier(fu)
	xavier(fn)
	params := [][]float64{in, fn, iu, fu, mu}
	grads := make([][]float64, len(params))
	opts := make([]*adam, len(params))
	for i, v := range params {
		grads[i] = make([]float64, len(v))
		opts[i] = &adam{m: make([]float64, len(v)), v: make([]float64, len(v))}
	}
	gin, gfn, giu, gfu, gmu := grads[0], grads[1], grads[2], grads[3], grads[4]

	meanSq := func(v []float64) float64 {
		s := 0.0
		for _, x := range v {
			s += x * x
		}
		return s / float64(len(v))
	}
	// lossAndGrad computes the loss at the current parameters and its
	// gradient into grads.
	lossAndGrad := func() (loss, mse float64) {
		for _, g := range grads {
			clear(g)
		}
		for _, o := range data {
			pred := mu[0] + iu[o.u] + in[o.n] + fu[o.u]*fn[o.n]
			e := pred - o.r
			mse += e * e
			d := 2 * e / N
			gin[o.n] += d
			gfn[o.n] += d * fu[o.u]
			giu[o.u] += d
			gfu[o.u] += d * fn[o.n]
			gmu[0] += d
		}
		mse /= N
		for i := range in {
			gin[i] += 2 * p.InterceptLambda * in[i] / M
			gfn[i] += 2 * p.FactorLambda * fn[i] / M
		}
		for i := range iu {
			giu[i] += 2 * p.InterceptLambda * iu[i] / U
			gfu[i] += 2 * p.FactorLambda * fu[i] / U
		}
		gmu[0] += 2 * p.InterceptLambda * mu[0]
		loss = mse + p.FactorLambda*(meanSq(fu)+meanSq(fn)) + p.InterceptLambda*(meanSq(iu)+meanSq(in)) + p.InterceptLambda*mu[0]*mu[0]
		return loss, mse
	}
	clip := func() {
		total := 0.0
		for _, g := range grads {
			for _, x := range g {
				total += x * x
			}
		}
		total = math.Sqrt(total)
		if coef := p.MaxGradNorm / (total + 1e-6); coef < 1 {
			for _, g := range grads {
				for i := range g {
					g[i] *= coef
				}
			}
		}
	}

	prev := math.Inf(1)
	loss, mse := lossAndGrad()
	epoch := 0
	for math.Abs(loss-prev) > p.Convergence && !(epoch > 100 && loss > prev) && epoch < p.MaxEpochs {
		clip()
		for i := range params {
			opts[i].step(params[i], grads[i], p.LearningRate, epoch+1)
		}
		prev = loss
		loss, mse = lossAndGrad()
		epoch++
	}
	m.Epochs, m.Loss, m.TrainMSE = epoch, loss, mse

	// Identification: at least half of the raters on the non-positive side.
	negative, nonzero := 0, 0
	for _, f := range fu {
		if f != 0 {
			nonzero++
			if f < 0 {
				negative++
			}
		}
	}
	if nonzero > 0 && float64(negative) < 0.5*float64(nonzero) {
		for i := range fu {
			fu[i] = -fu[i]
		}
		for i := range fn {
			fn[i] = -fn[i]
		}
	}
	m.Global = mu[0]
	for i, id := range notes {
		m.NoteIntercept[id], m.NoteFactor[id] = in[i], fn[i]
	}
	for i, id := range users {
		m.RaterIntercept[id], m.RaterFactor[id] = iu[i], fu[i]
	}
	return m
}
