# The C types of settle.py, for its compiled build (setup.py); the .py stays plain Python.
cimport cython

cdef class Tight:
    cdef int[:] loc
    cdef int[:] node
    cdef int[:] first
    cdef int[:] end
    cdef int[:] steps
    cdef int[:] q
    cdef int[:] bptr
    cdef int[:] src
    cdef int[:] dst
    cdef int[:] bsrc
    cdef Py_ssize_t nn
    cdef Py_ssize_t ne
    cdef Py_ssize_t nq
    cdef bint into_target

    @cython.locals(i=Py_ssize_t)
    cpdef void reset(self)

    @cython.locals(i=Py_ssize_t)
    cpdef Py_ssize_t local(self, Py_ssize_t x)

    cpdef void queue(self, Py_ssize_t i)

    cpdef void edge(self, Py_ssize_t i, Py_ssize_t j)

    @cython.locals(nn=Py_ssize_t, ne=Py_ssize_t, i=Py_ssize_t, k=Py_ssize_t, j=Py_ssize_t)
    cpdef void by_head(self)


cdef class FlatGraph:
    cdef public Py_ssize_t n
    cdef int[:] pred_ptr
    cdef int[:] pred_nodes
    cdef double[:] pred_probs
    cdef int[:] succ_ptr
    cdef int[:] succ_nodes
    cdef double[:] succ_probs
    cdef signed char[:] staff
    cdef public object live
    cdef public list free
    cdef public Tight tight
    cdef object __weakref__

    @cython.locals(k=Py_ssize_t)
    cpdef double edge(self, Py_ssize_t u, Py_ssize_t v)

    @cython.locals(best=double, k=Py_ssize_t)
    cpdef double step_in(self, Py_ssize_t v)

    @cython.locals(best=double, k=Py_ssize_t)
    cpdef double step_out(self, Py_ssize_t u, Py_ssize_t other)

    @cython.locals(first=double, k=Py_ssize_t, x=Py_ssize_t,
                   p=double, end=double, detour=double)
    cpdef double first_step(self, Py_ssize_t owner, Py_ssize_t target, double into, double floor)

    @cython.locals(direct=double, into=double, floor=double, first=double)
    cpdef tuple detour_bound(self, Py_ssize_t owner, Py_ssize_t target, double rel, double noise)


cdef class State:
    cdef public Py_ssize_t n
    cdef public Py_ssize_t size
    cdef public Py_ssize_t popped
    cdef double[:] value
    cdef int[:] place
    cdef double[:] hkey
    cdef int[:] hnode
    cdef int[:] touched
    cdef Py_ssize_t ntouched

    cpdef void start(self, object targets)

    @cython.locals(value="double[:]", place="int[:]", touched="int[:]", i=Py_ssize_t, x=int)
    cpdef void clear(self)

    cpdef double floor(self)

    @cython.locals(s=double)
    cpdef double score(self, Py_ssize_t x, bint staff) noexcept

    @cython.locals(best=double, staff="signed char[:]", touched="int[:]", each=set, s=Py_ssize_t, v=double,
                   i=Py_ssize_t, x=Py_ssize_t)
    cpdef double found(self, FlatGraph g, object starts, double floor, list nodes)

    @cython.locals(best=double, cut=double, floor=double)
    cpdef double best_score(self, FlatGraph g, object starts, bint last, double rel, object banned_nodes,
                            object banned_edges)

    @cython.locals(best=double, first=Py_ssize_t, s=Py_ssize_t, tied=list)
    cpdef Py_ssize_t best_start(self, FlatGraph g, object starts, bint last, double rel, object banned_nodes,
                                object banned_edges, list ids)

    @cython.locals(
        ptr="int[:]", nodes="int[:]", probs="double[:]", staff="signed char[:]", value="double[:]",
        asked=bint, banned=bint, score=double, s=double, v=int, u=int, k=Py_ssize_t,
    )
    cpdef double settle(self, FlatGraph g, double floor, object starts, double best, double cut, bint last,
                        double rel, object banned_nodes, object banned_edges, Py_ssize_t pops)

    @cython.locals(
        floor=double, need=double, at=double, staff="signed char[:]", ptr="int[:]", nodes="int[:]",
        probs="double[:]", tied=list, direct=Py_ssize_t, x=Py_ssize_t, y=Py_ssize_t, k=Py_ssize_t, sx=double,
        sy=double, least=double, w=Tight, lo=Py_ssize_t, hi=Py_ssize_t, qi=Py_ssize_t, lx=Py_ssize_t,
        ly=Py_ssize_t, reached=bint, first=Py_ssize_t, nxt=Py_ssize_t, path=list,
    )
    cpdef object best_path(self, FlatGraph g, object starts, Py_ssize_t target, double best, double rel,
                           object banned_nodes, object banned_edges, list ids)

    cdef void _touch(self, int x)

    @cython.locals(i=Py_ssize_t, parent=Py_ssize_t, ks=double, kn=int)
    cdef void _raise(self, int u, double s)

    @cython.locals(top=int, u=int, kn=int, s=double, ks=double, i=Py_ssize_t, c=Py_ssize_t, r=Py_ssize_t,
                   size=Py_ssize_t)
    cdef int _pop(self)
