import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { session, whenUnauthenticated, type StaffRole } from './api';

declare module 'vue-router' {
  interface RouteMeta {
    /** Menu label key (i18n) when the page is in the menu. */
    menu?: string;
    /** Roles that may open the page; absent: every staff role. */
    roles?: StaffRole[];
    public?: boolean;
  }
}

const staffRoles: StaffRole[] = ['operator', 'support', 'admin'];

export const routes: RouteRecordRaw[] = [
  { path: '/sign-in', name: 'sign-in', component: () => import('./views/SignInView.vue'), meta: { public: true } },
  {
    path: '/',
    component: () => import('./views/LayoutView.vue'),
    children: [
      { path: '', redirect: { name: 'fleet' } },
      { path: 'dashboard', name: 'dashboard', component: () => import('./views/DashboardView.vue'), meta: { menu: 'menu.dashboard', roles: staffRoles } },
      { path: 'fleet', name: 'fleet', component: () => import('./views/FleetView.vue'), meta: { menu: 'menu.fleet', roles: staffRoles } },
      { path: 'stations', name: 'stations', component: () => import('./views/StationsView.vue'), meta: { menu: 'menu.stations', roles: staffRoles } },
      { path: 'stations/:id', name: 'station', component: () => import('./views/StationView.vue'), props: true, meta: { roles: staffRoles } },
      { path: 'tariffs', name: 'tariffs', component: () => import('./views/TariffsView.vue'), meta: { menu: 'menu.tariffs', roles: staffRoles } },
      { path: 'piles/:code', name: 'pile', component: () => import('./views/PileView.vue'), props: true, meta: { roles: staffRoles } },
      { path: 'commands', name: 'commands', component: () => import('./views/CommandsView.vue'), meta: { menu: 'menu.commands', roles: staffRoles } },
      { path: 'alarms', name: 'alarms', component: () => import('./views/AlarmsView.vue'), meta: { menu: 'menu.alarms', roles: staffRoles } },
      { path: 'alarms/:id', name: 'alarm', component: () => import('./views/AlarmView.vue'), props: true, meta: { roles: staffRoles } },
      { path: 'staff', name: 'staff', component: () => import('./views/StaffView.vue'), meta: { menu: 'menu.staff', roles: ['admin'] } },
      { path: 'reconciliation', name: 'reconciliation', component: () => import('./views/ReconciliationView.vue'), meta: { menu: 'menu.reconciliation', roles: ['admin', 'support'] } },
      { path: 'audit', name: 'audit', component: () => import('./views/AuditView.vue'), meta: { menu: 'menu.audit', roles: ['admin', 'support'] } },
      { path: 'sessions', name: 'sessions', component: () => import('./views/SessionsView.vue'), meta: { menu: 'sessions.menu', roles: staffRoles } },
      { path: 'sessions/:id', name: 'session', component: () => import('./views/SessionView.vue'), props: true, meta: { roles: staffRoles } },
      { path: 'review', name: 'review', component: () => import('./views/ReviewQueueView.vue'), meta: { menu: 'sessions.reviewMenu', roles: ['operator', 'admin'] } },
      { path: 'settlement-failures', name: 'settlement-failures', component: () => import('./views/SettlementFailuresView.vue'), meta: { menu: 'sessions.failuresMenu', roles: ['support', 'admin'] } },
      { path: 'drivers', name: 'drivers', component: () => import('./views/DriversView.vue'), meta: { menu: 'driver.menu', roles: staffRoles } },
      { path: 'drivers/:id', name: 'driver', component: () => import('./views/DriverView.vue'), props: true, meta: { roles: staffRoles } },
      { path: 'feedback', name: 'feedback', component: () => import('./views/FeedbackQueueView.vue'), meta: { menu: 'feedback.menu', roles: ['support', 'admin'] } },
      { path: 'feedback/:id', name: 'feedback-item', component: () => import('./views/FeedbackItemView.vue'), props: true, meta: { roles: ['support', 'admin'] } },
      { path: 'account', name: 'account', component: () => import('./views/AccountView.vue'), meta: { menu: 'menu.account' } },
    ],
  },
  { path: '/:rest(.*)*', redirect: { name: 'fleet' } },
];

export const router = createRouter({ history: createWebHistory('/console/'), routes });

/** Pages need a signed-in staff member of a permitted role; the API enforces the same roles anyway. */
router.beforeEach((to) => {
  if (to.meta.public) return true;
  const user = session.user();
  if (!session.token() || !user) return { name: 'sign-in', query: { next: to.fullPath } };
  const roles = to.matched.flatMap((r) => r.meta.roles ?? []);
  if (roles.length > 0 && !roles.includes(user.role)) return { name: 'fleet' };
  return true;
});

whenUnauthenticated(() => {
  const current = router.currentRoute.value;
  if (current.name !== 'sign-in') void router.push({ name: 'sign-in', query: { next: current.fullPath } });
});
