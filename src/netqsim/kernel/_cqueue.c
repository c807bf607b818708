/* The simulator's event queue in C: a binary heap of plain structs.
 *
 * Same behaviour as the pure-Python EventQueue in queue.py, which is used
 * when this extension could not be built. Entries are ordered by time, then
 * urgent before normal, then insertion order. Comparing two entries is two C
 * comparisons, where a heap of Python tuples pays two rich comparisons and a
 * tuple comparison per step: that is where the run loop spent half its time.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>

/* Urgent entries take keys below every normal key, in insertion order too. */
#define URGENT_OFFSET ((long long)1 << 62)

typedef struct {
    double time;        /* for comparisons */
    long long key;      /* urgency and insertion order */
    PyObject *when;     /* the time as a float object, handed back by pop() */
    PyObject *event;
} Entry;

typedef struct {
    PyObject_HEAD
    Entry *items;
    Py_ssize_t size;
    Py_ssize_t capacity;
    long long counter;
} EventQueue;

static inline int
entry_lt(const Entry *a, const Entry *b)
{
    return a->time < b->time || (a->time == b->time && a->key < b->key);
}

/* Move the entry at pos towards the root until its parent is not later. */
static void
sift_up(Entry *items, Py_ssize_t pos)
{
    Entry item = items[pos];
    while (pos > 0) {
        Py_ssize_t parent = (pos - 1) >> 1;
        if (!entry_lt(&item, &items[parent])) {
            break;
        }
        items[pos] = items[parent];
        pos = parent;
    }
    items[pos] = item;
}

/* Move the entry at pos towards the leaves until no child is earlier. */
static void
sift_down(Entry *items, Py_ssize_t size, Py_ssize_t pos)
{
    Entry item = items[pos];
    for (;;) {
        Py_ssize_t child = 2 * pos + 1;
        if (child >= size) {
            break;
        }
        if (child + 1 < size && entry_lt(&items[child + 1], &items[child])) {
            child++;
        }
        if (!entry_lt(&items[child], &item)) {
            break;
        }
        items[pos] = items[child];
        pos = child;
    }
    items[pos] = item;
}

static PyObject *
queue_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    if (PyTuple_GET_SIZE(args) != 0 || (kwds != NULL && PyDict_GET_SIZE(kwds) != 0)) {
        PyErr_SetString(PyExc_TypeError, "EventQueue() takes no arguments");
        return NULL;
    }
    EventQueue *self = (EventQueue *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    self->items = NULL;
    self->size = 0;
    self->capacity = 0;
    self->counter = 0;
    return (PyObject *)self;
}

/* Drop every entry. References are released only after the queue is empty,
 * because releasing one may run arbitrary code that looks at the queue. */
static void
queue_drop_all(EventQueue *self)
{
    Entry *items = self->items;
    Py_ssize_t size = self->size;
    self->items = NULL;
    self->size = 0;
    self->capacity = 0;
    for (Py_ssize_t i = 0; i < size; i++) {
        Py_DECREF(items[i].when);
        Py_DECREF(items[i].event);
    }
    PyMem_Free(items);
}

static int
queue_traverse(EventQueue *self, visitproc visit, void *arg)
{
    for (Py_ssize_t i = 0; i < self->size; i++) {
        Py_VISIT(self->items[i].event);
    }
    return 0;
}

static int
queue_clear(EventQueue *self)
{
    queue_drop_all(self);
    return 0;
}

static void
queue_dealloc(EventQueue *self)
{
    PyObject_GC_UnTrack(self);
    queue_drop_all(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
queue_insert(EventQueue *self, PyObject *const *args, Py_ssize_t nargs, int urgent)
{
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError, "%s() takes exactly 2 arguments (time, event), got %zd",
                     urgent ? "push_urgent" : "push", nargs);
        return NULL;
    }
    PyObject *when = args[0];
    double time;
    if (PyFloat_CheckExact(when)) {
        time = PyFloat_AS_DOUBLE(when);
        Py_INCREF(when);
    }
    else {
        time = PyFloat_AsDouble(when);
        if (time == -1.0 && PyErr_Occurred()) {
            return NULL;
        }
        when = PyFloat_FromDouble(time);
        if (when == NULL) {
            return NULL;
        }
    }
    if (isnan(time)) {
        Py_DECREF(when);
        PyErr_SetString(PyExc_ValueError, "an event's time must be a number, got nan");
        return NULL;
    }
    if (self->size == self->capacity) {
        Py_ssize_t capacity = self->capacity ? self->capacity * 2 : 64;
        Entry *items = PyMem_Realloc(self->items, (size_t)capacity * sizeof(Entry));
        if (items == NULL) {
            Py_DECREF(when);
            return PyErr_NoMemory();
        }
        self->items = items;
        self->capacity = capacity;
    }
    self->counter++;
    Entry *entry = &self->items[self->size];
    entry->time = time;
    entry->key = urgent ? self->counter - URGENT_OFFSET : self->counter;
    entry->when = when;
    Py_INCREF(args[1]);
    entry->event = args[1];
    sift_up(self->items, self->size);
    self->size++;
    Py_RETURN_NONE;
}

static PyObject *
queue_push(EventQueue *self, PyObject *const *args, Py_ssize_t nargs)
{
    return queue_insert(self, args, nargs, 0);
}

static PyObject *
queue_push_urgent(EventQueue *self, PyObject *const *args, Py_ssize_t nargs)
{
    return queue_insert(self, args, nargs, 1);
}

static PyObject *
queue_pop(EventQueue *self, PyObject *Py_UNUSED(ignored))
{
    if (self->size == 0) {
        PyErr_SetString(PyExc_IndexError, "pop from an empty event queue");
        return NULL;
    }
    PyObject *entry = PyTuple_New(3);
    if (entry == NULL) {
        return NULL;
    }
    PyObject *key = PyLong_FromLongLong(self->items[0].key);
    if (key == NULL) {
        Py_DECREF(entry);
        return NULL;
    }
    if (self->size == 0) {
        /* A finalizer run by the garbage collector during those allocations
         * emptied the queue. */
        Py_DECREF(key);
        Py_DECREF(entry);
        PyErr_SetString(PyExc_IndexError, "pop from an empty event queue");
        return NULL;
    }
    Entry top = self->items[0];
    self->size--;
    if (self->size > 0) {
        self->items[0] = self->items[self->size];
        sift_down(self->items, self->size, 0);
    }
    /* The queue's references move to the entry tuple. */
    PyTuple_SET_ITEM(entry, 0, top.when);
    PyTuple_SET_ITEM(entry, 1, key);
    PyTuple_SET_ITEM(entry, 2, top.event);
    return entry;
}

static PyObject *
queue_peek(EventQueue *self, PyObject *Py_UNUSED(ignored))
{
    if (self->size == 0) {
        return PyFloat_FromDouble(Py_HUGE_VAL);
    }
    Py_INCREF(self->items[0].when);
    return self->items[0].when;
}

static PyObject *
queue_remove(EventQueue *self, PyObject *event)
{
    for (Py_ssize_t i = 0; i < self->size; i++) {
        if (self->items[i].event != event) {
            continue;
        }
        Entry gone = self->items[i];
        self->size--;
        if (i < self->size) {
            self->items[i] = self->items[self->size];
            /* The moved entry may belong above or below its new place. */
            if (i > 0 && entry_lt(&self->items[i], &self->items[(i - 1) >> 1])) {
                sift_up(self->items, i);
            }
            else {
                sift_down(self->items, self->size, i);
            }
        }
        Py_DECREF(gone.when);
        Py_DECREF(gone.event);
        Py_RETURN_TRUE;
    }
    Py_RETURN_FALSE;
}

static PyObject *
queue_entries(EventQueue *self, PyObject *Py_UNUSED(ignored))
{
    /* A sorted copy: pop order without touching the queue. */
    Py_ssize_t size = self->size;
    Entry *copy = PyMem_Malloc((size_t)(size ? size : 1) * sizeof(Entry));
    if (copy == NULL) {
        return PyErr_NoMemory();
    }
    memcpy(copy, self->items, (size_t)size * sizeof(Entry));
    /* Hold the copied references: allocating below may run code that changes the queue. */
    for (Py_ssize_t i = 0; i < size; i++) {
        Py_INCREF(copy[i].when);
        Py_INCREF(copy[i].event);
    }
    PyObject *result = PyList_New(size);
    if (result != NULL) {
        /* Heapsort in place: each popped entry moves to the freed end slot,
         * so every reference is still in the copy for the release below. */
        for (Py_ssize_t n = 0, left = size; n < size; n++) {
            Entry top = copy[0];
            left--;
            if (left > 0) {
                copy[0] = copy[left];
                copy[left] = top;
                sift_down(copy, left, 0);
            }
            PyObject *pair = PyTuple_Pack(2, top.when, top.event);
            if (pair == NULL) {
                Py_CLEAR(result);
                break;
            }
            PyList_SET_ITEM(result, n, pair);
        }
    }
    for (Py_ssize_t i = 0; i < size; i++) {
        Py_DECREF(copy[i].when);
        Py_DECREF(copy[i].event);
    }
    PyMem_Free(copy);
    return result;
}

static Py_ssize_t
queue_len(EventQueue *self)
{
    return self->size;
}

static PyMethodDef queue_methods[] = {
    {"push", (PyCFunction)(void (*)(void))queue_push, METH_FASTCALL,
     "push(time, event)\n--\n\nAdd event at time, after the entries already there for that time."},
    {"push_urgent", (PyCFunction)(void (*)(void))queue_push_urgent, METH_FASTCALL,
     "push_urgent(time, event)\n--\n\nAdd event at time, before every normal entry for that "
     "time (after earlier urgent ones)."},
    {"pop", (PyCFunction)queue_pop, METH_NOARGS,
     "pop()\n--\n\nRemove and return the first entry as (time, key, event); IndexError if "
     "empty. Keys order entries of equal time."},
    {"peek", (PyCFunction)queue_peek, METH_NOARGS,
     "peek()\n--\n\nThe time of the first entry, or inf if the queue is empty."},
    {"remove", (PyCFunction)queue_remove, METH_O,
     "remove(event)\n--\n\nTake event out of the queue; False if it is not there."},
    {"entries", (PyCFunction)queue_entries, METH_NOARGS,
     "entries()\n--\n\nAll entries as (time, event) pairs, in the order pop() would give them."},
    {NULL, NULL, 0, NULL},
};

static PySequenceMethods queue_as_sequence = {
    .sq_length = (lenfunc)queue_len,
};

static PyTypeObject EventQueueType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "netqsim.kernel._cqueue.EventQueue",
    .tp_doc = PyDoc_STR(
        "EventQueue()\n--\n\n"
        "Scheduled events ordered by time, then urgent before normal, then insertion order."),
    .tp_basicsize = sizeof(EventQueue),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_new = queue_new,
    .tp_dealloc = (destructor)queue_dealloc,
    .tp_traverse = (traverseproc)queue_traverse,
    .tp_clear = (inquiry)queue_clear,
    .tp_methods = queue_methods,
    .tp_as_sequence = &queue_as_sequence,
};

static struct PyModuleDef cqueue_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "netqsim.kernel._cqueue",
    .m_doc = "The simulator's event queue, compiled (see netqsim.kernel.queue).",
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__cqueue(void)
{
    if (PyType_Ready(&EventQueueType) < 0) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&cqueue_module);
    if (module == NULL) {
        return NULL;
    }
    Py_INCREF(&EventQueueType);
    if (PyModule_AddObject(module, "EventQueue", (PyObject *)&EventQueueType) < 0) {
        Py_DECREF(&EventQueueType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
