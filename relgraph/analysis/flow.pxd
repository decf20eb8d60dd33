# The C types of flow.py, for its compiled build (setup.py); the .py stays plain Python.
cimport cython

from relgraph.analysis.settle cimport FlatGraph


cpdef bint compiled()

cpdef object _ints(Py_ssize_t n, int fill=*)

@cython.locals(n=Py_ssize_t)
cpdef tuple dominators(FlatGraph g)

@cython.locals(
    n=Py_ssize_t, root=int, pred_ptr="int[:]", pred_nodes="int[:]", succ_ptr="int[:]", succ_nodes="int[:]",
    staff="signed char[:]", direct="int[:]", tops="int[:]", inner="int[:]", post="int[:]", visit="int[:]",
    seen="int[:]", at="int[:]", stack="int[:]", rest="int[:]", first="int[:]", fill="int[:]", kids="int[:]",
    todo="int[:]", v=int, c=int, k=Py_ssize_t, u=int, t=Py_ssize_t, i=Py_ssize_t, end=Py_ssize_t,
    depth=Py_ssize_t, ntops=Py_ssize_t, nvisit=int, nrest=Py_ssize_t, r=Py_ssize_t, new=int, p=int, a=int,
    b=int, d=int, counter=int, changed=bint,
)
cdef void _number(FlatGraph g, int[:] idom, int[:] pre, int[:] size)


cdef class Routes:
    cdef public int root
    cdef public Py_ssize_t nstaff
    cdef int[:] pred_ptr
    cdef int[:] pred_nodes
    cdef signed char[:] staff
    cdef int[:] idom
    cdef int[:] pre
    cdef int[:] size
    cdef int[:] entries
    cdef int[:] used
    cdef int[:] nxt
    cdef int[:] nxt_at
    cdef int[:] into
    cdef int[:] seen
    cdef int[:] parent
    cdef int[:] queue
    cdef int gen
    cdef int mark

    @cython.locals(n=Py_ssize_t, u=Py_ssize_t)
    cdef void _take(self, FlatGraph g, int[:] idom, int[:] pre, int[:] size)

    @cython.locals(
        idom="int[:]", pre="int[:]", ptr="int[:]", nodes="int[:]", staff="signed char[:]", used="int[:]",
        nxt="int[:]", nxt_at="int[:]", into="int[:]", seen="int[:]", parent="int[:]", queue="int[:]",
        entries="int[:]", t_idom=int, gen=int, mark=int, tpre=int, tend=int, nentries=Py_ssize_t, k=Py_ssize_t,
        u=int, p=int, bound=Py_ssize_t, flow=Py_ssize_t, e=Py_ssize_t, s=int, head=Py_ssize_t, tail=Py_ssize_t,
        state=int, found=int, v=int, nbr=int, a=int, b=int, va=int, vb=int, last=int,
    )
    cpdef Py_ssize_t count(self, int target, Py_ssize_t cap)

    @cython.locals(out="int[:]", k=Py_ssize_t)
    cpdef object counts(self, int[:] targets, Py_ssize_t cap)

    @cython.locals(ptr="int[:]", nodes="int[:]", staff="signed char[:]", used="int[:]", k=Py_ssize_t, s=int)
    cdef int _free_staff(self, int v, int gen)

    @cython.locals(
        ptr="int[:]", nodes="int[:]", staff="signed char[:]", used="int[:]", nxt="int[:]", nxt_at="int[:]",
        k=Py_ssize_t, s=int, o=int, free=int,
    )
    cdef int _free_by_moving(self, int u, int target, int gen)
