/** Banners for things the user must hear about but did not ask for (a worker restart). */
import { defineStore } from 'pinia';
import { ref } from 'vue';

export interface Notice {
  readonly key: number;
  readonly kind: 'info' | 'warning';
  readonly title: string;
  readonly text: string;
}

/** Older notices go once there are this many: a crash loop must not fill the screen. */
const MAX_NOTICES = 3;

export const useNoticesStore = defineStore('notices', () => {
  const notices = ref<Notice[]>([]);
  let nextKey = 1;

  function push(notice: Omit<Notice, 'key'>): void {
    notices.value = [...notices.value, { ...notice, key: nextKey++ }].slice(-MAX_NOTICES);
  }

  function dismiss(key: number): void {
    notices.value = notices.value.filter((n) => n.key !== key);
  }

  return { notices, push, dismiss };
});
